import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadEnhancerModel } from '../../src/engine/model/format.ts'
import { exportCheckpoint, listCheckpoints } from '../../src/engine/train/checkpoint.ts'
import { withPreset } from '../../src/engine/train/config.ts'
import { readJsonl } from '../../src/engine/train/runLog.ts'
import { loadTensors } from '../../src/engine/train/tensorFile.ts'
import { train } from '../../src/engine/train/trainer.ts'
import type { LoggedStep, TrainControl, TrainEvent } from '../../src/engine/train/types.ts'
import { devFolders } from './fixtures.ts'

const tiny = (over: Record<string, unknown> = {}) => withPreset('tiny', { validationFraction: 0.34, ...over })

async function maxTensorDiff(a: string, b: string): Promise<number> {
  const ta = await loadTensors(a)
  const tb = await loadTensors(b)
  expect([...tb.keys()]).toEqual([...ta.keys()])
  let worst = 0
  for (const [name, t] of ta) {
    const x = t.dataSync()
    const y = (tb.get(name) as typeof t).dataSync()
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]))
  }
  ;[...ta.values(), ...tb.values()].forEach((t) => t.dispose())
  return worst
}

describe('train: run folder, checkpoints, resume', () => {
  it('resuming at step k reproduces the uninterrupted run (next step losses and all weights), leaving complete checkpoints', async () => {
    const f = await devFolders(6)
    const whole: LoggedStep[] = []
    const a = await train({ synthetic: f.synthetic, real: f.real, out: join(f.root, 'a'), config: tiny({ steps: 6, checkpointEvery: 2 }) }, { onStep: (s) => whole.push(s) })
    expect(a).toMatchObject({ steps: 6, stopped: false })

    const bOut = join(f.root, 'b')
    await train({ synthetic: f.synthetic, real: f.real, out: bOut, config: tiny({ steps: 3, checkpointEvery: 2 }) })
    const resumed: LoggedStep[] = []
    const events: TrainEvent[] = []
    await train({ synthetic: f.synthetic, real: f.real, out: bOut, resume: true, steps: 6 }, { onStep: (s) => resumed.push(s), onEvent: (e) => events.push(e) })
    expect(events.some((e) => e.kind === 'info' && /Resumed from the checkpoint at step 3/.test(e.message))).toBe(true)
    expect(resumed[0].step).toBe(4)
    const next = whole[3]
    for (const k of ['lossD', 'lossG', 'adversarial', 'reconstruction', 'dReal', 'dFake', 'gap'] as const) {
      expect(resumed[0][k]).toBeCloseTo(next[k], 4)
    }
    for (const [layer, v] of Object.entries(next.weightNormG)) expect(resumed[0].weightNormG[layer]).toBeCloseTo(v, 4)
    expect(await maxTensorDiff(join(a.out, 'checkpoints', '6'), join(bOut, 'checkpoints', '6'))).toBeLessThan(1e-4)

    // checkpoint folders: only complete ones, keepLast (2) plus possibly the best, no temp folders left
    const names = await readdir(join(a.out, 'checkpoints'))
    expect(names.filter((n) => !/^\d+$/.test(n))).toEqual([])
    const list = await listCheckpoints(a.out)
    expect(list.map((c) => c.step).slice(-2)).toEqual([4, 6])
    expect(list.length).toBeLessThanOrEqual(3)
    for (const c of list) {
      for (const file of ['tensors.json', 'tensors.bin', 'config.json', 'checkpoint.json']) expect((await stat(join(c.path, file))).size).toBeGreaterThan(0)
      expect(c.validation?.lsd).toBeGreaterThan(0)
    }
    const runFiles = await readdir(a.out)
    for (const file of ['config.json', 'metrics.jsonl', 'events.jsonl', 'checkpoints', 'model']) expect(runFiles).toContain(file)
    expect(runFiles.filter((n) => n.startsWith('.tmp'))).toEqual([])
    const metrics = await readJsonl<LoggedStep>(join(a.out, 'metrics.jsonl'))
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6])
    expect(metrics[0]).toMatchObject({ threshold: 0.1, weight: 10 })
    expect(typeof metrics[0].seconds).toBe('number')
    const logged = await readJsonl<TrainEvent>(join(a.out, 'events.jsonl'))
    expect(logged.filter((e) => e.kind === 'checkpoint').map((e) => e.step)).toEqual([0, 2, 4, 6])

    const model = await loadEnhancerModel(a.modelDir)
    expect(model.meta.steps).toBe(6)
    model.generator.dispose()
    const exported = join(f.root, 'exported')
    await exportCheckpoint(list[list.length - 1].path, exported)
    const again = await loadEnhancerModel(exported)
    expect(again.meta.steps).toBe(6)
    again.generator.dispose()
    const config = JSON.parse(await readFile(join(a.out, 'config.json'), 'utf8')) as { steps: number }
    expect(config.steps).toBe(6)
  })

  it('uses a live threshold change from the next step and logs it; a pause holds the run; abort checkpoints and exports', async () => {
    const f = await devFolders(4)
    const control: TrainControl = { paused: false }
    const abort = new AbortController()
    const events: TrainEvent[] = []
    const r = await train(
      { synthetic: f.synthetic, real: f.real, out: join(f.root, 'run'), config: tiny({ steps: 50, checkpointEvery: 100 }) },
      {
        control,
        signal: abort.signal,
        onEvent: (e) => events.push(e),
        onStep: (s) => {
          if (s.step === 2) control.deviationThreshold = 0.3
          if (s.step === 4) {
            control.paused = true
            setTimeout(() => abort.abort(), 300)
          }
        }
      }
    )
    expect(r).toMatchObject({ steps: 4, stopped: true })
    const metrics = await readJsonl<LoggedStep>(join(r.out, 'metrics.jsonl'))
    expect(metrics.map((m) => m.threshold)).toEqual([0.1, 0.1, 0.3, 0.3])
    expect(events.some((e) => e.kind === 'info' && /from step 3: deviation threshold 0.3/.test(e.message))).toBe(true)
    expect((await listCheckpoints(r.out)).map((c) => c.step)).toContain(4)
    const model = await loadEnhancerModel(r.modelDir)
    expect(model.meta.steps).toBe(4)
    model.generator.dispose()
  })

  it('starts the generator from an existing enhancer model with --init (adding a residual high-pass from the config)', async () => {
    const f = await devFolders(4)
    const first = await train({ synthetic: f.synthetic, real: f.real, out: join(f.root, 'first'), config: tiny({ steps: 3, gan: { optimizer: { lrG: 1e-2 } } }) })
    const events: TrainEvent[] = []
    const second = await train(
      {
        synthetic: f.synthetic, real: f.real, out: join(f.root, 'second'), init: first.modelDir,
        config: tiny({ steps: 1, gan: { generator: { residualHighpassHz: 3000 } } })
      },
      { onEvent: (e) => events.push(e) }
    )
    expect(events.some((e) => e.kind === 'info' && e.message.includes(first.modelDir))).toBe(true)
    const start = join(f.root, 'second-start')
    await exportCheckpoint(join(second.out, 'checkpoints', '0'), start)
    const a = await loadEnhancerModel(first.modelDir)
    const b = await loadEnhancerModel(start)
    expect(b.generator.config).toEqual({ ...a.generator.config, residualHighpassHz: 3000 })
    expect(events.some((e) => e.kind === 'info' && e.message.includes('3000 Hz high-pass'))).toBe(true)
    let nonzero = 0
    for (const [name, v] of a.generator.variables) {
      const x = v.dataSync()
      const y = (b.generator.variables.get(name) as typeof v).dataSync()
      expect(Array.from(y)).toEqual(Array.from(x))
      if (name.startsWith('out.') && x.some((q) => q !== 0)) nonzero++
    }
    expect(nonzero).toBeGreaterThan(0) // the trained output layer moved from its zero init, and was carried over
    a.generator.dispose()
    b.generator.dispose()
  })

  it('feeds the paired real clip of each crop when pairedWeight > 0, and says so when the folders share no files', async () => {
    const f = await devFolders(4)
    const paired: LoggedStep[] = []
    await train({ synthetic: f.synthetic, real: f.real, out: join(f.root, 'paired'), config: tiny({ steps: 2, validationFraction: 0, gan: { pairedWeight: 1 } }) }, { onStep: (s) => paired.push(s) })
    expect(paired.every((s) => s.paired > 0)).toBe(true)
    const g = await devFolders(2)
    const events: TrainEvent[] = []
    const unpaired: LoggedStep[] = []
    await train(
      { synthetic: f.synthetic, real: join(g.real, 'a'), out: join(f.root, 'unpaired'), config: tiny({ steps: 1, validationFraction: 0, gan: { pairedWeight: 1 } }) },
      { onStep: (s) => unpaired.push(s), onEvent: (e) => events.push(e) }
    )
    expect(events.some((e) => e.kind === 'info' && /no file has the same relative path/.test(e.message))).toBe(true)
    expect(unpaired[0].paired).toBe(0)
  })

  it("trains a band-conditioned generator: each crop's band mark reaches the stack and the gate, and validation runs", async () => {
    const f = await devFolders(3)
    const events: TrainEvent[] = []
    const r = await train(
      { synthetic: f.synthetic, real: f.real, out: join(f.root, 'band'), config: tiny({ steps: 3, gan: { generator: { bandCondition: true, outputGate: true }, optimizer: { lrG: 1e-2 } } }) },
      { onEvent: (e) => events.push(e) }
    )
    expect(events.some((e) => e.kind === 'info' && e.message.includes('synthetic clips: 3 full-band, 0 band-limited'))).toBe(true)
    expect(events.some((e) => e.kind === 'checkpoint' && e.validation !== undefined)).toBe(true)
    const model = await loadEnhancerModel(r.modelDir)
    expect(model.generator.config.bandCondition).toBe(true)
    const gate = model.generator.variables.get('gate.w')?.dataSync() as Float32Array
    expect(Math.abs(gate[gate.length - 1])).toBeGreaterThan(1e-4) // the band input's gate weight started at zero
    model.generator.dispose()
  })
})
