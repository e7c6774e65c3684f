import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { ModelError } from '../../src/engine/errors.ts'
import { GeneratorConfigSchema } from '../../src/engine/gan/config.ts'
import { createGenerator } from '../../src/engine/gan/generator.ts'
import { loadEnhancerModel, saveEnhancerModel, type EnhancerModelMeta } from '../../src/engine/model/format.ts'

const tiny = GeneratorConfigSchema.parse({ channels: 4, blocks: 3, downsample: 4, maxDilation: 4 })
const meta: EnhancerModelMeta = {
  name: 'test', description: 'tiny test model', sampleRate: 16000, createdAt: '2026-01-01T00:00:00Z', steps: 3, source: 'test'
}
let dir = ''

beforeAll(async () => {
  await initBackend()
  dir = await mkdtemp(join(tmpdir(), 'dulcet-model-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function sine(t: number): tf.Tensor3D {
  return tf.tidy(() => tf.reshape(tf.sin(tf.mul(tf.range(0, t), 0.05)), [1, t, 1]) as tf.Tensor3D)
}

describe('generator', () => {
  it.each([
    ['plain', tiny],
    ['with input spectrum, FIR and gate', GeneratorConfigSchema.parse({ ...tiny, inputSpectrum: 16, firTaps: 9, outputGate: true })]
  ])('a fresh generator (%s) is exactly the identity, for lengths that are not multiples of its stride', (_, config) => {
    const g = createGenerator(config, 3)
    for (const t of [1000, 1003]) {
      const x = sine(t)
      const y = g.apply(x)
      expect(y.shape).toEqual([1, t, 1])
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()))
      tf.dispose([x, y])
    }
    g.dispose()
  })

  it.each([
    ['plain', tiny],
    ['with input spectrum, FIR and gate', GeneratorConfigSchema.parse({ ...tiny, inputSpectrum: 64, firTaps: 41, outputGate: true })],
    ['with a residual high-pass', GeneratorConfigSchema.parse({ ...tiny, residualHighpassHz: 4000 })]
  ])('reports its receptive field (%s): a change in the input moves outputs only within it', (_, config) => {
    const g = createGenerator(config, 5)
    // make the residual non-zero so that context matters
    for (const name of ['out.w', 'fir.w', 'gate.w']) {
      const v = g.variables.get(name)
      v?.assign(tf.randomNormal(v.shape, 0, 0.1, 'float32', 9))
    }
    const t = 2048
    const x = sine(t)
    const imp = tf.tidy(() => tf.add(x, tf.oneHot(tf.tensor1d([1024], 'int32'), t).reshape([1, t, 1])) as tf.Tensor3D)
    const d = tf.tidy(() => tf.abs(tf.sub(g.apply(imp), g.apply(x))).dataSync())
    let first = -1
    let last = -1
    for (let i = 0; i < t; i++) if (d[i] > 1e-7) { if (first < 0) first = i; last = i }
    expect(first).toBeGreaterThanOrEqual(1024 - g.receptiveField)
    expect(last).toBeLessThanOrEqual(1024 + g.receptiveField)
    expect(last - first).toBeGreaterThan(g.receptiveField) // the field is not vastly overstated
    tf.dispose([x, imp])
    g.dispose()
  })
})

describe('output gate and FIR equaliser', () => {
  it('an open gate passes the stack and mutes the equaliser; a closed one the reverse', () => {
    const config = GeneratorConfigSchema.parse({ ...tiny, inputSpectrum: 16, firTaps: 9, outputGate: true })
    const g = createGenerator(config, 5)
    const set = (name: string, t: tf.Tensor) => (g.variables.get(name) as tf.Variable).assign(t)
    set('out.w', tf.randomNormal(g.variables.get('out.w')!.shape, 0, 0.1, 'float32', 9))
    set('fir.w', tf.tidy(() => tf.oneHot(tf.tensor1d([4], 'int32'), 9).reshape([9, 1, 1]).mul(0.5))) // eq = 0.5 x input
    const x = sine(512)
    const residual = () => tf.tidy(() => tf.sub(g.apply(x), x))
    set('gate.b', tf.fill([1], 10)) // open: sigmoid(80) = 1
    const open = residual()
    set('gate.b', tf.fill([1], -10)) // closed
    const closed = residual()
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(closed, tf.mul(x, 0.5))))).dataSync()[0]).toBeLessThan(1e-6)
    set('fir.w', tf.zeros([9, 1, 1]))
    set('gate.b', tf.fill([1], 10))
    const stackOnly = residual()
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(open, stackOnly)))).dataSync()[0]).toBeLessThan(1e-6)
    expect(tf.tidy(() => tf.max(tf.abs(stackOnly))).dataSync()[0]).toBeGreaterThan(1e-3)
    tf.dispose([x, open, closed, stackOnly])
    g.dispose()
  })
})

describe('band input (bandCondition)', () => {
  const config = GeneratorConfigSchema.parse({ ...tiny, inputSpectrum: 16, firTaps: 9, outputGate: true, bandCondition: true })

  it('a fresh band-conditioned generator is the identity for full-band and band-limited input alike', () => {
    const g = createGenerator(config, 3)
    const x = tf.concat([sine(1003), sine(1003)], 0) as tf.Tensor3D
    const y = g.apply(x, [true, false])
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()))
    tf.dispose([x, y])
    g.dispose()
  })

  it('reaches the gate: a weight on it opens the stack for one bandwidth and shuts it for the other', () => {
    const g = createGenerator(config, 5)
    const out = g.variables.get('out.w') as tf.Variable
    out.assign(tf.randomNormal(out.shape, 0, 0.1, 'float32', 9))
    const gate = g.variables.get('gate.w') as tf.Variable
    const bins = gate.shape[1] as number
    // only the last gate input (the band) counts: logit = 8 x 2 x band
    gate.assign(tf.tidy(() => tf.oneHot(tf.tensor1d([bins - 1], 'int32'), bins).reshape([1, bins, 1]).mul(2)))
    const x = sine(512)
    const change = (fullBand: boolean) => tf.tidy(() => tf.max(tf.abs(tf.sub(g.apply(x, [fullBand]), x))).dataSync()[0])
    expect(change(true)).toBeGreaterThan(1e-3)
    expect(change(false)).toBeLessThan(1e-6)
    tf.dispose(x)
    g.dispose()
  })

  it('refuses to run without the bandwidth of every example', () => {
    const g = createGenerator(config, 3)
    const x = sine(256)
    expect(() => g.apply(x)).toThrow(/conditioned on the input's bandwidth/)
    expect(() => g.apply(x, [true, false])).toThrow(/each of the 1 examples/)
    tf.dispose(x)
    g.dispose()
  })
})

describe('residual high-pass', () => {
  it('keeps the learned change above the cut-off: below it the output is the input', () => {
    const g = createGenerator(GeneratorConfigSchema.parse({ ...tiny, residualHighpassHz: 4000 }), 5, 16000)
    const out = g.variables.get('out.w') as tf.Variable
    out.assign(tf.randomNormal(out.shape, 0, 0.3, 'float32', 9))
    const t = 8192
    const x = tf.tidy(() => tf.randomNormal([1, t, 1], 0, 0.1, 'float32', 4)) as tf.Tensor3D
    const r = tf.tidy(() => tf.sub(g.apply(x), x).dataSync() as Float32Array)
    // band energies of the residual from a plain DFT over its middle (away from the zero-padded ends)
    const band = (lo: number, hi: number) => {
      let e = 0
      const n = 4096
      for (let k = Math.round((lo / 16000) * n); k < Math.round((hi / 16000) * n); k++) {
        let re = 0
        let im = 0
        for (let i = 0; i < n; i++) {
          const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
          re += r[2048 + i] * w * Math.cos((2 * Math.PI * k * i) / n)
          im -= r[2048 + i] * w * Math.sin((2 * Math.PI * k * i) / n)
        }
        e += re * re + im * im
      }
      return e
    }
    const above = band(4500, 7500)
    expect(above).toBeGreaterThan(0)
    expect(10 * Math.log10(band(100, 3000) / above)).toBeLessThan(-60)
    tf.dispose(x)
    g.dispose()
  })

  it('refuses a cut-off at or above half the sample rate', () => {
    expect(() => createGenerator(GeneratorConfigSchema.parse({ ...tiny, residualHighpassHz: 8000 }), 5, 16000)).toThrow(/below half the sample rate/)
  })
})

describe('enhancer model format', () => {
  it('saves and loads a generator exactly, with its metadata', async () => {
    const g = createGenerator(tiny, 7)
    const out = g.variables.get('out.w') as tf.Variable
    out.assign(tf.randomNormal(out.shape, 0, 0.1, 'float32', 1))
    const target = join(dir, 'm1')
    await saveEnhancerModel(target, g, meta)
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]) // no temp folders left
    const m = await loadEnhancerModel(target)
    expect(m.meta).toEqual(meta)
    expect(m.generator.config).toEqual(tiny)
    const x = sine(777)
    const a = g.apply(x)
    const b = m.generator.apply(x)
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
    // saving again over an existing model replaces it atomically
    await saveEnhancerModel(target, createGenerator(tiny, 8), { ...meta, steps: 9 })
    expect((await loadEnhancerModel(target)).meta.steps).toBe(9)
    tf.dispose([x, a, b])
    g.dispose()
    m.generator.dispose()
  })

  it('rejects missing, corrupt, wrong-version and wrong-shape models with ModelError naming the problem', async () => {
    const target = join(dir, 'm2')
    await saveEnhancerModel(target, createGenerator(tiny, 2), meta)
    const manifest = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'))
    const weights = await readFile(join(target, 'weights.bin'))
    const expectProblem = async (re: RegExp) => {
      const e = await loadEnhancerModel(target).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(ModelError)
      expect((e as ModelError).problem).toMatch(re)
      expect((e as ModelError).dir).toBe(target)
    }
    await expect(loadEnhancerModel(join(dir, 'nope'))).rejects.toThrow(/does not exist/)
    await writeFile(join(target, 'model.json'), '{ not json')
    await expectProblem(/not valid JSON/)
    await writeFile(join(target, 'model.json'), JSON.stringify({ ...manifest, version: 99 }))
    await expectProblem(/unsupported model version 99/)
    const bad = structuredClone(manifest)
    bad.weights[0].shape = [1, 2, 3]
    await writeFile(join(target, 'model.json'), JSON.stringify(bad))
    await expectProblem(/shape \[1, 2, 3\]/)
    await writeFile(join(target, 'model.json'), JSON.stringify(manifest))
    await writeFile(join(target, 'weights.bin'), weights.subarray(0, weights.length - 8))
    await expectProblem(/truncated/)
    const nan = Buffer.from(weights)
    nan.writeFloatLE(Number.NaN, 0)
    await writeFile(join(target, 'weights.bin'), nan)
    await expectProblem(/non-finite/)
    await rm(join(target, 'weights.bin'))
    await expectProblem(/weights.bin is missing/)
  })
})
