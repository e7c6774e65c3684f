import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { diffStftMagnitude } from '../../src/engine/dsp/diffStft.ts'
import { createGan, deviation, ganStep } from '../../src/engine/gan/gan.ts'
import { fractionOver, hingeReconstruction } from '../../src/engine/gan/losses.ts'
import { noise, tinyConfig } from './helpers.ts'

beforeAll(async () => {
  await initBackend()
})

// Synthetic task: "real" is white noise; "synthetic" is white noise with the 2-4 kHz band removed (at 16 kHz).
// A WGAN + spectral-norm GAN should teach the generator to put energy back into the band.
const TAPS = 255
const bandstopKernel = () => {
  const fir = new Float32Array(TAPS).map((_, i) => {
    const n = i - (TAPS - 1) / 2
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1))
    const sinc = (f: number) => (n === 0 ? 2 * f : Math.sin(2 * Math.PI * f * n) / (Math.PI * n))
    return (n === 0 ? 1 : 0) - w * (sinc(0.25) - sinc(0.125)) // delta - bandpass(2-4 kHz)
  })
  return tf.tensor3d(fir, [TAPS, 1, 1])
}
const LO = 32 // bins of a 256-point STFT: 2 kHz .. 4 kHz
const HI = 64

/** Mean power spectrum [129] over examples and frames. */
const powerSpectrum = (x: tf.Tensor3D) => tf.tidy(() => tf.mean(tf.square(diffStftMagnitude(x, 256, 64)), [0, 1]))
const bandFraction = (x: tf.Tensor3D) =>
  tf.tidy(() => {
    const p = powerSpectrum(x)
    return tf.div(tf.sum(tf.slice(p, [LO], [HI - LO])), tf.sum(p)).dataSync()[0]
  })
/** Mean |ln P_x(f) - ln P_y(f)| over frequency. */
const spectralDistance = (x: tf.Tensor3D, y: tf.Tensor3D) =>
  tf.tidy(() => tf.mean(tf.abs(tf.sub(tf.log(powerSpectrum(x)), tf.log(powerSpectrum(y))))).dataSync()[0])

const T = 2048
const taskConfig = () =>
  tinyConfig({
    generator: { channels: 8, blocks: 3, downsample: 4, maxDilation: 4 },
    critic: { channels: 8, layers: 2, resolutions: [{ nFft: 256, hop: 64 }] },
    reconstruction: { resolutions: [{ nFft: 256, hop: 64 }] },
    optimizer: { lrG: 1e-3, lrD: 1e-3 }
  })

/** Trains `steps` steps on fresh batches of the band-removal task. */
function train(gan: ReturnType<typeof createGan>, bandstop: (x: tf.Tensor3D) => tf.Tensor3D, steps: number, weight: number) {
  let seed = 100
  for (let i = 0; i < steps; i++) {
    const real = noise(4, T, seed++)
    const raw = noise(4, T, seed++)
    const syn = bandstop(raw)
    ganStep(gan, { synthetic: syn, real }, { threshold: 0.1, weight, lrScale: 1 })
    tf.dispose([real, raw, syn])
  }
}

describe('learning', () => {
  it('a WGAN + spectral-norm run on a band-removal task moves the generator output toward real', () => {
    const kernel = bandstopKernel()
    const bandstop = (x: tf.Tensor3D) => tf.tidy(() => tf.conv1d(x, kernel, 1, 'same') as tf.Tensor3D)
    const cfg = taskConfig()
    expect(cfg.loss).toBe('wasserstein')
    expect(cfg.regularization.spectralNorm).toBe(true)
    const gan = createGan(cfg, 1)
    const evalReal = noise(8, T, 7)
    const evalSyn = bandstop(noise(8, T, 8))
    const realBand = bandFraction(evalReal)
    const startBand = bandFraction(evalSyn)
    const startDistance = spectralDistance(evalSyn, evalReal)
    expect(startBand).toBeLessThan(realBand / 20)

    // the deviation threshold would forbid filling a whole band: this run trains the adversarial part alone
    train(gan, bandstop, 50, 0)
    const out = gan.generator.apply(evalSyn)
    const endBand = bandFraction(out)
    const endDistance = spectralDistance(out, evalReal)
    // log band-energy gap to real closes by more than half; the whole-spectrum distance shrinks too
    expect(Math.abs(Math.log(endBand / realBand))).toBeLessThan(0.5 * Math.abs(Math.log(startBand / realBand)))
    expect(endDistance).toBeLessThan(0.6 * startDistance)
    tf.dispose([out, evalReal, evalSyn, kernel])
    gan.dispose()
  })

  it('the transformation loss keeps the output within the deviation threshold that the adversary alone breaks', () => {
    const kernel = bandstopKernel()
    const bandstop = (x: tf.Tensor3D) => tf.tidy(() => tf.conv1d(x, kernel, 1, 'same') as tf.Tensor3D)
    const evalSyn = bandstop(noise(8, T, 8))
    const measure = (weight: number) => {
      const gan = createGan(taskConfig(), 1)
      train(gan, bandstop, 30, weight)
      const out = gan.generator.apply(evalSyn)
      const dev = deviation(evalSyn, out, [{ nFft: 256, hop: 64 }])
      const r = { excess: hingeReconstruction(dev, 0.1).dataSync()[0], over: fractionOver(dev, 0.1).dataSync()[0] }
      tf.dispose([out, dev])
      gan.dispose()
      return r
    }
    const free = measure(0)
    const held = measure(50)
    expect(free.over).toBeGreaterThan(0.3)
    expect(held.excess).toBeLessThan(0.25 * free.excess)
    expect(held.over).toBeLessThan(free.over)
    tf.dispose([evalSyn, kernel])
  })
})
