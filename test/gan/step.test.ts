import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { createGan, ganStep, ganTensors, restoreGanTensors } from '../../src/engine/gan/gan.ts'
import { LIVE, noise, tinyConfig } from './helpers.ts'

beforeAll(async () => {
  await initBackend()
})

describe('ganStep', () => {
  it('takes finite steps with every option on, reports per-layer norms, and leaks no tensors', () => {
    const cfg = tinyConfig({
      critic: { kind: 'both', channels: 4, layers: 2, resolutions: [{ nFft: 128, hop: 32 }], waveformScales: [1, 2] },
      regularization: { spectralNorm: true, gradientPenalty: 1, l2G: 1e-4, l2D: 1e-4, weightClip: 1 },
      farganReplay: { enabled: true, fraction: 0.5 },
      incrementalCritic: { enabled: true, startLayers: 1, addEvery: 2, fadeSteps: 2 },
      pairedWeight: 1
    })
    const gan = createGan(cfg, 1)
    const syn = noise(2, 1024, 1)
    const real = noise(2, 1024, 2)
    const counts: number[] = []
    for (let i = 0; i < 3; i++) {
      const s = ganStep(gan, { synthetic: syn, real, pairedReal: real }, LIVE)
      counts.push(tf.memory().numTensors)
      expect(s.step).toBe(i + 1)
      for (const v of [s.lossD, s.lossG, s.adversarial, s.reconstruction, s.paired, s.dReal, s.dFake, s.gap]) {
        expect(Number.isFinite(v)).toBe(true)
      }
      expect(s.paired).toBeGreaterThan(0)
      expect(Object.keys(s.gradNormG)).toContain('out')
      expect(Object.keys(s.gradNormD)).toEqual(expect.arrayContaining(['spec0.in', 'spec0.head', 'wave0.in', 'wave1.head']))
      expect(Object.keys(s.weightNormD)).toContain('spec0.h000')
      expect(Object.values(s.gradNormG).every(Number.isFinite)).toBe(true)
    }
    expect(counts[2]).toBe(counts[1])
    gan.dispose()
    tf.dispose([syn, real])
  })

  it('takes criticSteps critic updates per generator update', () => {
    const gan = createGan(tinyConfig({ optimizer: { criticSteps: 3 } }), 2)
    const syn = noise(2, 512, 1)
    ganStep(gan, { synthetic: syn, real: noise(2, 512, 2) }, LIVE)
    expect(gan.optD.t).toBe(3)
    expect(gan.optG.t).toBe(1)
    gan.dispose()
  })

  it('checkpoint tensors restore a GAN that continues exactly like the original', () => {
    const cfg = tinyConfig({ farganReplay: { enabled: true, fraction: 0.5 }, regularization: { gradientPenalty: 1 } })
    const a = createGan(cfg, 4)
    const syn = noise(2, 512, 5)
    const real = noise(2, 512, 6)
    ganStep(a, { synthetic: syn, real }, LIVE)
    const saved = ganTensors(a)
    expect([...saved.keys()]).toEqual(expect.arrayContaining(['g/out.w', 'd/spec0.in.w', 'sn/spec0.in/u', 'optD/m/spec0.in.w', 'optG/t', 'rng', 'replay']))
    const b = createGan(cfg, 99)
    restoreGanTensors(b, saved, a.step)
    tf.dispose([...saved.values()])
    const sa = ganStep(a, { synthetic: syn, real }, LIVE)
    const sb = ganStep(b, { synthetic: syn, real }, LIVE)
    expect(sb.step).toBe(2)
    expect(sb.replayed).toBe(true)
    expect(sb.lossD).toBeCloseTo(sa.lossD, 5)
    expect(sb.lossG).toBeCloseTo(sa.lossG, 5)
    const wa = (a.generator.variables.get('out.w') as tf.Variable).dataSync()
    const wb = (b.generator.variables.get('out.w') as tf.Variable).dataSync()
    expect(Array.from(wb)).toEqual(Array.from(wa))
    a.dispose()
    b.dispose()
  })
})

describe('fine-tuning part of the generator', () => {
  const snapshot = (vars: Map<string, tf.Variable>) => new Map([...vars].map(([n, v]) => [n, Array.from(v.dataSync())]))

  it('trainOnlyG updates only the named weights; the critic still trains', () => {
    const gen = { channels: 4, blocks: 2, downsample: 4, maxDilation: 4, inputSpectrum: 16, outputGate: true, firTaps: 9 }
    const gan = createGan(tinyConfig({ generator: gen, optimizer: { trainOnlyG: ['gate', 'fir'] }, pairedWeight: 1 }), 61)
    const out = gan.generator.variables.get('out.w') as tf.Variable
    out.assign(tf.randomNormal(out.shape, 0, 0.3, 'float32', 6)) // a stack that changes the audio, so the gate matters
    const g0 = snapshot(gan.generator.variables)
    const d0 = snapshot(gan.critic.variables)
    const syn = noise(2, 1024, 9)
    const real = noise(2, 1024, 10)
    ganStep(gan, { synthetic: syn, real, pairedReal: real }, LIVE)
    const changed = [...snapshot(gan.generator.variables)].filter(([n, v]) => v.some((x, i) => x !== g0.get(n)?.[i])).map(([n]) => n)
    expect(changed.sort()).toEqual(['fir.w', 'gate.b', 'gate.w'])
    expect([...snapshot(gan.critic.variables)].some(([n, v]) => v.some((x, i) => x !== d0.get(n)?.[i]))).toBe(true)
    gan.dispose()
    tf.dispose([syn, real])
  })

  it('trainOnlyG naming no weight is refused, with the weights there are', () => {
    expect(() => createGan(tinyConfig({ optimizer: { trainOnlyG: ['gate'] } }), 62)).toThrow(/no generator weight starts with "gate".*in, block000/)
  })

  it('adversarialWeight 0: the generator follows its other terms only', () => {
    const gan = createGan(tinyConfig({ adversarialWeight: 0 }), 63) // identity generator: reconstruction and paired terms are 0
    const g0 = snapshot(gan.generator.variables)
    const syn = noise(2, 1024, 11)
    const real = noise(2, 1024, 12)
    const s = ganStep(gan, { synthetic: syn, real, pairedReal: syn }, LIVE)
    expect(s.adversarial).toBe(0)
    expect(s.lossG).toBe(0)
    expect([...snapshot(gan.generator.variables)]).toEqual([...g0])
    const usual = createGan(tinyConfig(), 63) // the same GAN with the critic's pull: the generator moves
    ganStep(usual, { synthetic: syn, real, pairedReal: syn }, LIVE)
    expect([...snapshot(usual.generator.variables)]).not.toEqual([...g0])
    gan.dispose()
    usual.dispose()
    tf.dispose([syn, real])
  })
})
