import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { createCritic } from '../../src/engine/gan/critic.ts'
import { createGan, ganStep } from '../../src/engine/gan/gan.ts'
import { gradientPenalty } from '../../src/engine/gan/losses.ts'
import { LIVE, noise, tinyConfig } from './helpers.ts'

beforeAll(async () => {
  await initBackend()
})

/** Largest singular value of a [k, in, out] kernel seen as the matrix [out, k*in], by 300 power iterations in float64. */
function topSingularValue(kernel: tf.Tensor): number {
  const [k, cin, cout] = kernel.shape
  const w = kernel.dataSync()
  const cols = k * cin
  const at = (o: number, c: number) => w[c * cout + o] // c = j*cin + i  ->  w[j][i][o]
  let v = new Float64Array(cols).map((_, i) => Math.sin(i + 1))
  let sigma = 0
  for (let it = 0; it < 300; it++) {
    const u = new Float64Array(cout)
    for (let o = 0; o < cout; o++) for (let c = 0; c < cols; c++) u[o] += at(o, c) * v[c]
    const nv = new Float64Array(cols)
    for (let c = 0; c < cols; c++) for (let o = 0; o < cout; o++) nv[c] += at(o, c) * u[o]
    const norm = Math.hypot(...nv)
    sigma = Math.sqrt(norm)
    v = nv.map((x) => x / norm)
  }
  return sigma
}

const both = { kind: 'both', channels: 4, layers: 2, resolutions: [{ nFft: 128, hop: 32 }], waveformScales: [1, 2] }

describe('critic regularisation', () => {
  it('spectral norm brings the largest singular value of every critic layer to ~1', () => {
    const gan = createGan(tinyConfig({ critic: both }), 11)
    const syn = noise(2, 1024, 1)
    const real = noise(2, 1024, 2)
    for (let i = 0; i < 3; i++) ganStep(gan, { synthetic: syn, real }, LIVE)
    let rawFarFromOne = 0
    for (const layer of gan.critic.layerNames) {
      const eff = gan.critic.effectiveKernel(layer)
      expect(Math.abs(topSingularValue(eff) - 1), layer).toBeLessThan(0.03)
      const raw = topSingularValue(gan.critic.variables.get(`${layer}.w`) as tf.Variable)
      if (Math.abs(raw - 1) > 0.3) rawFarFromOne++
      eff.dispose()
    }
    expect(rawFarFromOne).toBeGreaterThan(gan.critic.layerNames.length / 2) // the normalisation does real work
    gan.dispose()
    tf.dispose([syn, real])
  })

  it('weight clipping bounds every critic weight after a step', () => {
    const c = 0.01
    const gan = createGan(tinyConfig({ critic: both, regularization: { spectralNorm: false, weightClip: c } }), 12)
    const maxAbs = () => Math.max(...[...gan.critic.variables.values()].map((v) => tf.tidy(() => tf.max(tf.abs(v)).dataSync()[0])))
    expect(maxAbs()).toBeGreaterThan(10 * c)
    const syn = noise(2, 1024, 1)
    ganStep(gan, { synthetic: syn, real: noise(2, 1024, 3) }, LIVE)
    expect(maxAbs()).toBeLessThanOrEqual(c + 1e-7)
    gan.dispose()
  })

  it('gradient penalty equals the analytic value on a linear critic, and so does its weight gradient', () => {
    const t = 64
    const a = tf.variable(tf.tensor1d(new Float32Array(t).map((_, i) => 0.3 * Math.cos(i))), true)
    const score = (x: tf.Tensor3D) => tf.sum(tf.mul(tf.reshape(x, [x.shape[0], t]), a), 1) as tf.Tensor1D
    const real = noise(3, t, 4)
    const fake = noise(3, t, 5)
    const e = tf.tensor3d([0.2, 0.5, 0.9], [3, 1, 1])
    const lambda = 10
    const { value, grads } = tf.variableGrads(() => gradientPenalty(score, real, fake, e, lambda), [a])
    const ad = a.dataSync()
    const norm = Math.hypot(...ad)
    expect(value.dataSync()[0]).toBeCloseTo(lambda * (norm - 1) ** 2, 3)
    const g = grads[a.name].dataSync()
    ad.forEach((ai, i) => expect(g[i]).toBeCloseTo((2 * lambda * (norm - 1) * ai) / norm, 3))
    tf.dispose([a, real, fake, e, value, ...Object.values(grads)])
  })

  it('gradient penalty backpropagates into a real critic (double backprop matches finite differences)', () => {
    const critic = createCritic(tinyConfig({ critic: both }).critic, 13, false)
    const real = noise(2, 512, 6, 0.3)
    const fake = noise(2, 512, 7, 0.3)
    const e = tf.tensor3d([0.3, 0.7], [2, 1, 1])
    const penalty = () => gradientPenalty((x) => critic.score(x), real, fake, e, 1)
    const w = critic.variables.get('wave0.h001.w') as tf.Variable
    const { grads } = tf.variableGrads(penalty, [w])
    const g = grads[w.name].dataSync()
    const idx = Array.from(g.keys()).sort((i, j) => Math.abs(g[j]) - Math.abs(g[i]))[0]
    expect(Math.abs(g[idx])).toBeGreaterThan(0)
    const orig = w.dataSync().slice()
    const at = (delta: number) => {
      const m = orig.slice()
      m[idx] += delta
      w.assign(tf.tensor(m, w.shape))
      return tf.tidy(() => penalty().dataSync()[0])
    }
    const h = 1e-2
    const numeric = (at(h) - at(-h)) / (2 * h)
    expect(Math.abs(numeric - g[idx])).toBeLessThan(0.05 * Math.abs(g[idx]))
    critic.dispose()
  })

  it('L2 weight decay adds exactly lambda * sum(w^2) to the critic and generator losses', () => {
    const syn = noise(2, 512, 8)
    const real = noise(2, 512, 9)
    const sumSq = (vars: tf.Variable[]) => vars.reduce((s, v) => s + tf.tidy(() => tf.sum(tf.square(v)).dataSync()[0]), 0)
    // critic
    const d0 = createGan(tinyConfig(), 21)
    const d1 = createGan(tinyConfig({ regularization: { l2D: 0.5 } }), 21)
    const sd = sumSq(d1.critic.trainableVariables())
    const a = ganStep(d0, { synthetic: syn, real }, LIVE)
    const b = ganStep(d1, { synthetic: syn, real }, LIVE)
    expect(b.lossD - a.lossD).toBeCloseTo(0.5 * sd, 3)
    // generator
    const g0 = createGan(tinyConfig(), 22)
    const g1 = createGan(tinyConfig({ regularization: { l2G: 0.25 } }), 22)
    const sg = sumSq([...g1.generator.variables.values()])
    const c = ganStep(g0, { synthetic: syn, real }, LIVE)
    const d = ganStep(g1, { synthetic: syn, real }, LIVE)
    expect(d.lossD).toBe(c.lossD)
    expect(d.lossG - c.lossG).toBeCloseTo(0.25 * sg, 3)
    expect(sg).toBeGreaterThan(0.1)
    for (const x of [d0, d1, g0, g1]) x.dispose()
  })
})
