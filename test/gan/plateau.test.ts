import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { createGan, criticSchedule, ganStep } from '../../src/engine/gan/gan.ts'
import { LIVE, noise, tinyConfig } from './helpers.ts'

beforeAll(async () => {
  await initBackend()
})

const values = (t: tf.Tensor) => Array.from(t.dataSync())

describe('FARGAN replay (the replay technique, not the FARGAN vocoder)', () => {
  it('puts the fake the critic scored highest in step t into the real batch of step t+1', () => {
    const cfg = tinyConfig({ farganReplay: { enabled: true, fraction: 0.25 } })
    const a = createGan(cfg, 61)
    // identical GANs, stepped by hand to check what the critic saw in step 1 and in step 2
    const twin = createGan(cfg, 61)
    const twin2 = createGan(cfg, 61)
    for (const g of [a, twin, twin2]) {
      const out = g.generator.variables.get('out.w') as tf.Variable
      out.assign(tf.randomNormal(out.shape, 0, 0.2, 'float32', 3))
    }
    const syn = noise(4, 1024, 1)
    const real1 = noise(4, 1024, 2)
    const real2 = noise(4, 1024, 3)
    const fake = a.generator.apply(syn)
    twin.critic.powerIteration(1)
    const expectedScores = values(twin.critic.score(fake))

    const s1 = ganStep(a, { synthetic: syn, real: real1 }, LIVE)
    expect(s1.replayed).toBe(false)
    a.lastFakeScores.forEach((v, i) => expect(v).toBeCloseTo(expectedScores[i], 5))
    const best = expectedScores.indexOf(Math.max(...expectedScores))
    const buffer = a.replayBuffer as tf.Tensor3D
    expect(buffer.shape).toEqual([1, 1024, 1]) // 0.25 of a batch of 4
    expect(values(buffer)).toEqual(values(tf.slice(fake, [best, 0, 0], [1, 1024, 1])))
    const saved = tf.clone(buffer)

    const s2 = ganStep(a, { synthetic: syn, real: real2 }, LIVE)
    expect(s2.replayed).toBe(true)
    expect(a.lastReplay?.indices).toEqual([3])
    expect(values(a.lastReplay?.sample as tf.Tensor)).toEqual(values(saved))
    // the critic of step 2 saw real2 with its last example replaced by the replayed fake
    ganStep(twin2, { synthetic: syn, real: real1 }, LIVE)
    twin2.critic.powerIteration(1)
    const mixed = tf.concat([tf.slice(real2, [0, 0, 0], [3, 1024, 1]), saved], 0) as tf.Tensor3D
    expect(s2.dReal).toBeCloseTo(tf.mean(twin2.critic.score(mixed)).dataSync()[0], 5)
    expect(s2.dReal).not.toBeCloseTo(tf.mean(twin2.critic.score(real2)).dataSync()[0], 3)
    for (const g of [a, twin, twin2]) g.dispose()
  })

  it('replaces at least one example, and is off unless enabled', () => {
    const on = createGan(tinyConfig({ farganReplay: { enabled: true, fraction: 0.01 } }), 62)
    const off = createGan(tinyConfig(), 62)
    const syn = noise(2, 512, 1)
    const real = noise(2, 512, 2)
    for (let i = 0; i < 2; i++) {
      ganStep(on, { synthetic: syn, real }, LIVE)
      ganStep(off, { synthetic: syn, real }, LIVE)
    }
    expect(on.lastReplay?.indices).toEqual([1])
    expect(off.replayBuffer).toBeNull()
    expect(off.lastReplay).toBeNull()
    on.dispose()
    off.dispose()
  })
})

describe('incremental critic layer training', () => {
  it('gains a layer every addEvery steps, fading it in over fadeSteps, and trains only active layers', () => {
    const cfg = tinyConfig({
      critic: { channels: 4, layers: 3, resolutions: [{ nFft: 128, hop: 32 }] },
      incrementalCritic: { enabled: true, startLayers: 1, addEvery: 2, fadeSteps: 2 }
    })
    const gan = createGan(cfg, 71)
    const syn = noise(2, 512, 1)
    const real = noise(2, 512, 2)
    const h2 = gan.critic.variables.get('spec0.h002.w') as tf.Variable
    const h2Start = values(h2)
    const layers: number[] = []
    const fades: number[] = []
    for (let i = 0; i < 6; i++) {
      const s = ganStep(gan, { synthetic: syn, real }, LIVE)
      layers.push(s.criticLayers)
      fades.push(s.fade)
      expect('spec0.h002' in s.gradNormD).toBe(s.criticLayers >= 3)
      if (i === 3) expect(values(h2)).toEqual(h2Start) // untouched until it joins
    }
    expect(layers).toEqual([1, 1, 2, 2, 3, 3])
    expect(fades).toEqual([1, 1, 0.5, 1, 0.5, 1])
    expect(values(h2)).not.toEqual(h2Start)
    expect(criticSchedule(cfg, 1000)).toEqual({ active: 3, fade: 1 })
    gan.dispose()
  })

  it('fade blends the new layer with its input: fade 0 equals the smaller critic', () => {
    const gan = createGan(tinyConfig({ critic: { channels: 4, layers: 2, resolutions: [{ nFft: 128, hop: 32 }] } }), 72)
    const x = noise(2, 512, 5)
    const c = gan.critic
    c.activeLayers = 1
    c.fade = 1
    const one = values(c.score(x))
    c.activeLayers = 2
    c.fade = 0
    expect(values(c.score(x))).toEqual(one)
    c.fade = 0.5
    const half = values(c.score(x))
    c.fade = 1
    const full = values(c.score(x))
    expect(half).not.toEqual(one)
    expect(full).not.toEqual(half)
    gan.dispose()
  })
})
