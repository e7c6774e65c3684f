/**
 * Each detector on a real tiny training run built to show its failure, and silence on a healthy one.
 * lp4k (band-limited to 4 kHz) is the synthetic side: a tiny spectral critic separates it from clean
 * speech within a few steps, so a healthy run has a clear, steady score gap.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { withPreset } from '../../src/engine/train/config.ts'
import { train } from '../../src/engine/train/trainer.ts'
import type { DiagnosticEvent, LoggedStep, TrainControl, TrainEvent } from '../../src/engine/train/types.ts'
import { devFolders, type Folders } from './fixtures.ts'

let f: Folders
let runs = 0
beforeAll(async () => {
  f = await devFolders(6, { synthetic: 'lp4k' })
})

interface Extra {
  control?: TrainControl
  onEvent?(e: TrainEvent): void
  onStep?(s: LoggedStep): void
}

async function run(steps: number, config: Record<string, unknown>, x: Extra = {}) {
  const events: TrainEvent[] = []
  const stepsSeen: LoggedStep[] = []
  const result = await train(
    {
      synthetic: f.synthetic,
      real: f.real,
      out: join(f.root, `run${runs++}`),
      config: withPreset('tiny', { steps, validationFraction: 0, checkpointEvery: 5, ...config, diagnostics: { window: 10, warmupSteps: 10, cooldownSteps: 1000 } })
    },
    {
      ...(x.control ? { control: x.control } : {}),
      onEvent: (e) => {
        events.push(e)
        x.onEvent?.(e)
      },
      onStep: (s) => {
        stepsSeen.push(s)
        x.onStep?.(s)
      }
    }
  )
  const diagnostics = events.filter((e): e is DiagnosticEvent => e.kind === 'diagnostic')
  return { result, events, diagnostics, steps: stepsSeen, detectors: new Set(diagnostics.map((d) => d.detector)) }
}

describe('training diagnostics on real runs', () => {
  it('stay quiet on a healthy run', async () => {
    const r = await run(40, {})
    expect(r.diagnostics).toEqual([])
    const gaps = r.steps.slice(-20).map((s) => s.gap)
    expect(gaps.reduce((a, b) => a + b) / gaps.length).toBeGreaterThan(0)
  })

  it('vanishing gradients: a weight-clipped WGAN critic (clip 1e-4, no spectral norm) starves an adversarial-only generator', async () => {
    const r = await run(20, { gan: { regularization: { spectralNorm: false, weightClip: 1e-4 }, reconstruction: { weight: 0 } } })
    const e = r.diagnostics.find((d) => d.detector === 'vanishing-gradients')
    expect(e, JSON.stringify(r.diagnostics)).toBeDefined()
    expect(e?.message).toMatch(/vanished/)
    expect(e?.advice).toMatch(/spectral norm/)
  })

  it('critic collapse: a BCE critic with an overpowered learning rate does worse than a coin toss', async () => {
    const r = await run(25, { gan: { loss: 'bce', optimizer: { lrD: 0.5 } } })
    const e = r.diagnostics.find((d) => d.detector === 'critic-collapse')
    expect(e, JSON.stringify(r.diagnostics)).toBeDefined()
    expect(e?.message).toMatch(/coin toss/)
    expect(e?.advice).toMatch(/lrD/)
  })

  it('weight divergence: an unregularised WGAN critic at a high learning rate', async () => {
    const r = await run(40, { gan: { regularization: { spectralNorm: false }, optimizer: { lrD: 0.1 } } })
    const e = r.diagnostics.find((d) => d.detector === 'weight-divergence')
    expect(e, JSON.stringify(r.diagnostics)).toBeDefined()
    expect(e?.severity).toBe('error')
    expect(e?.message).toMatch(/critic's weights are diverging/)
    expect(e?.advice).toMatch(/spectral norm/)
  })

  // the same data and steps with the tiny 2-layer critic separate clearly (the healthy run above)
  it('deep plateau: a 40-layer critic that does not learn to separate, with advice to use incremental critic / FARGAN replay', async () => {
    const r = await run(22, { gan: { critic: { layers: 40, maxDilation: 8 } } })
    const e = r.diagnostics.find((d) => d.detector === 'deep-plateau')
    expect(e, JSON.stringify(r.diagnostics)).toBeDefined()
    expect(e?.advice).toMatch(/incremental critic/)
    expect(e?.advice).toMatch(/FARGAN replay/)
    expect(r.detectors.has('critic-collapse')).toBe(false)
  })

  it('non-finite: an injected learning-rate blow-up rolls back to the last checkpoint and halves the learning rate', async () => {
    const control: TrainControl = { paused: false }
    const r = await run(12, {}, {
      control,
      onStep: (s) => {
        if (s.step === 6 && control.lrScale === undefined) control.lrScale = 1e30
      },
      onEvent: (e) => {
        if (e.kind === 'diagnostic' && e.detector === 'non-finite') control.lrScale = 1
      }
    })
    expect(r.result).toMatchObject({ steps: 12, stopped: false })
    const e = r.diagnostics.find((d) => d.detector === 'non-finite')
    expect(e, JSON.stringify(r.diagnostics)).toBeDefined()
    expect(e?.severity).toBe('error')
    expect(e?.step).toBe(7)
    expect(e?.message).toMatch(/non-finite.*Rolled back to the checkpoint at step 5 and halved the learning rate \(now 0\.5/s)
    // the run went on from step 5 with finite numbers, and the halved rate is carried in its checkpoints
    const after = r.steps.filter((s) => s.step > 5)
    expect(after.at(-1)?.step).toBe(12)
    expect(after.slice(-5).every((s) => Number.isFinite(s.lossD) && Number.isFinite(s.lossG))).toBe(true)
    const meta = JSON.parse(await readFile(join(r.result.out, 'checkpoints', '12', 'checkpoint.json'), 'utf8')) as { lrScale: number }
    expect(meta.lrScale).toBe(0.5)
  })
})
