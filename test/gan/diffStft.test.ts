import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { diffStft, diffStftMagnitude, stftFrames } from '../../src/engine/dsp/diffStft.ts'

beforeAll(async () => {
  await initBackend()
})

/** Direct DFT of the centred, zero-padded, periodic-Hann frame, normalised by the window sum (the documented definition). */
function directDft(x: Float32Array, nFft: number, hop: number, frame: number, k: number): [number, number] {
  let re = 0
  let im = 0
  let wsum = 0
  for (let n = 0; n < nFft; n++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / nFft)
    wsum += w
    const i = frame * hop + n - nFft / 2
    const v = i >= 0 && i < x.length ? x[i] : 0
    re += v * w * Math.cos((2 * Math.PI * k * n) / nFft)
    im -= v * w * Math.sin((2 * Math.PI * k * n) / nFft)
  }
  return [re / wsum, im / wsum]
}

describe('differentiable STFT', () => {
  it('matches a direct DFT to ~1e-4 (re, im and magnitude), frame count included', () => {
    const t = 1000
    const x = new Float32Array(t).map((_, i) => 0.6 * Math.sin(0.3 * i) + 0.3 * Math.sin(0.05 * i * i * 0.01) + 0.1 * Math.cos(1.7 * i))
    const xt = tf.tensor3d(x, [1, t, 1])
    for (const [nFft, hop] of [
      [128, 32],
      [256, 64]
    ]) {
      const { re, im } = diffStft(xt, nFft, hop)
      const mag = diffStftMagnitude(xt, nFft, hop)
      expect(re.shape).toEqual([1, stftFrames(t, hop), nFft / 2 + 1])
      const r = re.arraySync()[0]
      const m = im.arraySync()[0]
      const a = mag.arraySync()[0]
      let worst = 0
      for (let f = 0; f < r.length; f++) {
        for (let k = 0; k <= nFft / 2; k++) {
          const [dr, di] = directDft(x, nFft, hop, f, k)
          worst = Math.max(worst, Math.abs(dr - r[f][k]), Math.abs(di - m[f][k]), Math.abs(Math.hypot(dr, di) - a[f][k]))
        }
      }
      expect(worst).toBeLessThan(1e-4)
      tf.dispose([re, im, mag])
    }
    // a unit sinusoid on a bin centre reads 0.5
    const nFft = 128
    const sine = tf.tensor3d(new Float32Array(1024).map((_, i) => Math.cos((2 * Math.PI * 8 * i) / nFft)), [1, 1024, 1])
    const mag = diffStftMagnitude(sine, nFft, 32).arraySync()[0]
    expect(mag[10][8]).toBeCloseTo(0.5, 4)
    tf.dispose([xt, sine])
  })

  it('passes gradients that match finite differences', () => {
    const t = 256
    const x = tf.tensor3d(new Float32Array(t).map((_, i) => Math.sin(0.21 * i) * 0.5 + 0.2 * Math.cos(0.9 * i)), [1, t, 1])
    const f = (y: tf.Tensor) => tf.sum(tf.log(tf.add(diffStftMagnitude(y as tf.Tensor3D, 64, 16), 0.1)))
    const g = tf.grad(f)(x)
    const gd = g.dataSync()
    expect(gd.every(Number.isFinite)).toBe(true)
    expect(Math.max(...Array.from(gd).map(Math.abs))).toBeGreaterThan(0)
    const h = 3e-3
    for (const i of [5, 100, 201]) {
      const bump = (s: number) => tf.tidy(() => f(tf.add(x, tf.mul(tf.oneHot(tf.tensor1d([i], 'int32'), t).reshape([1, t, 1]), s))).dataSync()[0])
      const numeric = (bump(h) - bump(-h)) / (2 * h)
      expect(Math.abs(gd[i] - numeric)).toBeLessThan(0.05 * Math.abs(numeric) + 0.05)
    }
    tf.dispose([x, g])
  })
})
