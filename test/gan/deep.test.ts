import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { createGan, ganStep } from '../../src/engine/gan/gan.ts'
import { LIVE, noise, tinyConfig } from './helpers.ts'

beforeAll(async () => {
  await initBackend()
})

describe('depth', () => {
  it('a generator and a critic of more than 32 conv layers build and take finite steps, with gradient at the bottom', () => {
    const cfg = tinyConfig({
      generator: { channels: 4, blocks: 16, downsample: 4, maxDilation: 64 },
      critic: { kind: 'both', channels: 4, layers: 32, maxDilation: 8, resolutions: [{ nFft: 128, hop: 32 }], waveformScales: [1] },
      regularization: { spectralNorm: true, gradientPenalty: 1 }
    })
    const gan = createGan(cfg, 81)
    expect(gan.generator.convLayers).toBe(34)
    expect(gan.critic.convLayers()).toBe(2 * 34)
    const syn = noise(2, 1024, 1)
    const real = noise(2, 1024, 2)
    for (let i = 0; i < 2; i++) {
      const s = ganStep(gan, { synthetic: syn, real }, LIVE)
      for (const v of [s.lossD, s.lossG, s.dReal, s.dFake]) expect(Number.isFinite(v)).toBe(true)
      expect(Object.keys(s.gradNormD)).toHaveLength(2 * 34)
      expect(s.gradNormD['spec0.in']).toBeGreaterThan(0)
      expect(s.gradNormD['wave0.in']).toBeGreaterThan(0)
      if (i === 1) expect(s.gradNormG['in']).toBeGreaterThan(0) // reaches the first generator layer once 'out' is non-zero
      expect(Object.values(s.gradNormG).every(Number.isFinite)).toBe(true)
    }
    const y = gan.generator.apply(syn)
    expect(y.dataSync().every(Number.isFinite)).toBe(true)
    tf.dispose([y, syn, real])
    gan.dispose()
  })
})
