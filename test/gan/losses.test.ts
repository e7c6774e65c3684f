import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { createGan, deviation, ganStep } from '../../src/engine/gan/gan.ts'
import {
  criticLoss,
  deviationOver,
  fractionOver,
  generatorAdversarialLoss,
  hingeReconstruction,
  logMel
} from '../../src/engine/gan/losses.ts'
import { LIVE, noise, tinyConfig } from './helpers.ts'

beforeAll(async () => {
  await initBackend()
})

const RES = [
  { nFft: 128, hop: 32 },
  { nFft: 256, hop: 64 }
]
const num = (t: tf.Tensor) => {
  const v = t.dataSync()[0]
  t.dispose()
  return v
}

describe('transformation (reconstruction) loss', () => {
  let x: tf.Tensor3D
  beforeAll(() => {
    x = noise(2, 2048, 31, 0.3)
  })
  const scaled = (g: number) => tf.mul(x, g) as tf.Tensor3D
  const recon = (y: tf.Tensor3D, tau: number) => tf.tidy(() => num(hingeReconstruction(deviation(x, y, RES), tau)))

  it('is zero when every deviation is below tau, and phase-only changes are free', () => {
    const dev = deviation(x, scaled(1.05), RES)
    expect(num(tf.max(dev))).toBeLessThanOrEqual(Math.log(1.05) + 1e-5)
    expect(num(hingeReconstruction(dev, 0.1))).toBe(0)
    expect(num(fractionOver(dev, 0.1))).toBe(0)
    const flipped = deviation(x, scaled(-1), RES) // same magnitudes, every phase moved by pi
    expect(num(tf.max(flipped))).toBe(0)
    tf.dispose([dev, flipped])
  })

  it('grows linearly past tau: mean(max(0, deviation - tau))', () => {
    // a gain g moves every (non-silent) bin by ln g
    const r3 = recon(scaled(Math.exp(0.3)), 0.1)
    const r6 = recon(scaled(Math.exp(0.6)), 0.1)
    expect(r3).toBeCloseTo(0.2, 2)
    expect(r6 - r3).toBeCloseTo(0.3, 2)
    const y = scaled(Math.exp(0.3))
    const taus = [0, 0.05, 0.1, 0.2]
    const rs = taus.map((t) => recon(y, t))
    taus.forEach((t, i) => expect(rs[i]).toBeCloseTo(rs[0] - t, 3))
    expect(recon(y, 0.5)).toBe(0)
    const dev = deviation(x, y, RES)
    expect(num(fractionOver(dev, 0.1))).toBeGreaterThan(0.99)
    tf.dispose([y, dev])
  })
})

describe('adversarial losses', () => {
  it('wasserstein, bce (non-saturating) and hinge have their textbook values', () => {
    const real = tf.tensor1d([1, 2])
    const fake = tf.tensor1d([0, -1])
    const sp = (v: number) => Math.log1p(Math.exp(v))
    expect(num(criticLoss('wasserstein', real, fake))).toBeCloseTo(-0.5 - 1.5, 5)
    expect(num(criticLoss('bce', real, fake))).toBeCloseTo((sp(-1) + sp(-2)) / 2 + (sp(0) + sp(-1)) / 2, 5)
    expect(num(criticLoss('hinge', real, fake))).toBeCloseTo(0.5, 5)
    expect(num(generatorAdversarialLoss('wasserstein', fake))).toBeCloseTo(0.5, 5)
    expect(num(generatorAdversarialLoss('bce', fake))).toBeCloseTo((sp(0) + sp(1)) / 2, 5)
    expect(num(generatorAdversarialLoss('hinge', fake))).toBeCloseTo(0.5, 5)
    tf.dispose([real, fake])
  })

  it('each loss kind trains: the critic update raises the real-fake gap on a fixed batch', () => {
    for (const loss of ['wasserstein', 'bce', 'hinge'] as const) {
      const gan = createGan(tinyConfig({ loss, optimizer: { lrD: 1e-2, lrG: 1e-9 } }), 41)
      const syn = noise(2, 1024, 1, 0.05)
      const real = noise(2, 1024, 2, 0.3)
      const first = ganStep(gan, { synthetic: syn, real }, LIVE)
      let last = first
      for (let i = 0; i < 4; i++) last = ganStep(gan, { synthetic: syn, real }, LIVE)
      expect(last.gap, loss).toBeGreaterThan(first.gap)
      gan.dispose()
      tf.dispose([syn, real])
    }
  })
})

describe('paired loss', () => {
  it.each([
    { term: 'paired', config: { pairedWeight: 3 }, weight: 3 },
    { term: 'pairedMel', config: { pairedWeight: 0, pairedMelWeight: 2 }, weight: 2 }
  ] as const)('adds its weight x $term to the generator loss, and $term is zero for an identical clip', ({ term, config, weight }) => {
    const gan = createGan(tinyConfig(config), 52)
    const syn = noise(2, 4096, 3)
    const real = noise(2, 4096, 4)
    const s = ganStep(gan, { synthetic: syn, real, pairedReal: real }, LIVE)
    expect(s[term]).toBeGreaterThan(0.1)
    expect(s.lossG).toBeCloseTo(s.adversarial + LIVE.weight * s.reconstruction + weight * s[term], 4)
    const fresh = createGan(tinyConfig(config), 53) // identity generator: output == synthetic
    expect(ganStep(fresh, { synthetic: syn, real, pairedReal: syn }, LIVE)[term]).toBe(0)
    gan.dispose()
    fresh.dispose()
    tf.dispose([syn, real])
  })

  it('measures the mel term relative to the input: 1 when unchanged; it compares band envelopes, not bins', () => {
    const syn = noise(2, 4096, 5)
    const real = noise(2, 4096, 6)
    const unchanged = createGan(tinyConfig({ pairedMelWeight: 2 }), 56) // identity generator
    expect(ganStep(unchanged, { synthetic: syn, real, pairedReal: real }, LIVE).pairedMel).toBeCloseTo(1, 1)
    unchanged.dispose()
    // Two noises of the same level: their mel envelopes are close, their bin-by-bin spectra are not.
    const mel = (x: tf.Tensor3D, y: tf.Tensor3D) => num(tf.mean(tf.abs(tf.sub(logMel(x, 16000), logMel(y, 16000)))))
    const bins = num(tf.mean(deviationOver(syn, real, [{ nFft: 1024, hop: 256 }])))
    expect(mel(syn, real)).toBeLessThan(bins / 2)
    const louder = tf.mul(real, 2) as tf.Tensor3D
    expect(mel(real, louder)).toBeCloseTo(Math.LN2, 3) // twice the amplitude: ln 2 in every band
    tf.dispose([syn, real, louder])
  })

  it('skips the mel term when its weight is 0', () => {
    const gan = createGan(tinyConfig({ pairedWeight: 3 }), 57)
    const syn = noise(2, 4096, 7)
    const real = noise(2, 4096, 8)
    expect(ganStep(gan, { synthetic: syn, real, pairedReal: real }, LIVE).pairedMel).toBe(0)
    gan.dispose()
    tf.dispose([syn, real])
  })
})

describe('live settings', () => {
  it('threshold, weight and learning-rate scale are read at every step', () => {
    const gan = createGan(tinyConfig(), 51)
    const out = gan.generator.variables.get('out.w') as tf.Variable
    out.assign(tf.randomNormal(out.shape, 0, 0.3, 'float32', 5)) // a generator that changes the audio
    const syn = noise(2, 1024, 3)
    const real = noise(2, 1024, 4)
    const a = ganStep(gan, { synthetic: syn, real }, { threshold: 0, weight: 2, lrScale: 1 })
    expect(a.threshold).toBe(0)
    expect(a.overThreshold).toBeGreaterThan(0.5)
    expect(a.reconstruction).toBeGreaterThan(0)
    expect(a.lossG).toBeCloseTo(a.adversarial + 2 * a.reconstruction, 4)
    const b = ganStep(gan, { synthetic: syn, real }, { threshold: 100, weight: 7, lrScale: 1 })
    expect(b.threshold).toBe(100)
    expect(b.weight).toBe(7)
    expect(b.overThreshold).toBe(0)
    expect(b.reconstruction).toBe(0)
    const before = [...gan.generator.variables.values(), ...gan.critic.variables.values()].map((v) => v.dataSync().slice())
    ganStep(gan, { synthetic: syn, real }, { ...LIVE, lrScale: 0 })
    const after = [...gan.generator.variables.values(), ...gan.critic.variables.values()].map((v) => v.dataSync())
    after.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(before[i])))
    gan.dispose()
    tf.dispose([syn, real])
  })
})
