import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'
import { diffStft, stftKernel } from '../../src/engine/dsp/diffStft.ts'
import { conv1dSame, leakyRelu, pointwise } from '../../src/engine/gan/layers.ts'

beforeAll(async () => {
  await initBackend()
})

const maxRelDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(a)).dataSync()[0])

describe('hand-written layers', () => {
  it('a dilated conv (space-to-batch) equals the zero-inserted kernel conv, for lengths not divisible by the dilation', () => {
    const x = tf.randomNormal([2, 37, 3], 0, 1, 'float32', 1) as tf.Tensor3D
    const w = tf.randomNormal([3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor3D
    for (const d of [2, 4, 8]) {
      // reference: a dense kernel with d-1 zeros between taps, 'same' padding
      const dense = tf.tidy(() => {
        const taps = tf.unstack(w)
        const parts: tf.Tensor[] = []
        taps.forEach((t, j) => {
          parts.push(tf.expandDims(t, 0))
          if (j < taps.length - 1) parts.push(tf.zeros([d - 1, 3, 4]))
        })
        return tf.concat(parts, 0) as tf.Tensor3D
      })
      const ref = tf.conv1d(x, dense, 1, 'same')
      for (const fast of [false, true]) expect(maxRelDiff(ref, conv1dSame(x, w, d, fast))).toBeLessThan(1e-5)
      tf.dispose([dense, ref])
    }
  })

  it('fast first-order gradients equal tfjs gradients (conv, dilated conv, pointwise, STFT)', () => {
    const x = tf.randomNormal([2, 64, 4], 0, 1, 'float32', 3) as tf.Tensor3D
    const w = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 4) as tf.Tensor3D
    const w1 = tf.randomNormal([1, 5, 2], 0, 1, 'float32', 5) as tf.Tensor3D
    for (const d of [1, 4]) {
      const f = (fast: boolean) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(pointwise(leakyRelu(conv1dSame(a as tf.Tensor3D, b as tf.Tensor3D, d, fast), 0.2), c as tf.Tensor3D, fast)))
      const ref = tf.grads(f(false))([x, w, w1])
      const got = tf.grads(f(true))([x, w, w1])
      ref.forEach((r, i) => expect(maxRelDiff(r, got[i])).toBeLessThan(1e-5))
      tf.dispose([...ref, ...got])
    }
    const sig = tf.randomNormal([2, 1000, 1], 0, 1, 'float32', 6) as tf.Tensor3D
    const probe = tf.randomNormal([2, Math.floor(1000 / 32) + 1, 130], 0, 1, 'float32', 7)
    const viaConv = (y: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv1d(tf.pad(y, [[0, 0], [64, 64], [0, 0]]) as tf.Tensor3D, stftKernel(128), 32, 'valid'), probe))
    const viaCustom = (y: tf.Tensor) => {
      const { re, im } = diffStft(y as tf.Tensor3D, 128, 32)
      return tf.sum(tf.mul(tf.concat([re, im], 2), probe))
    }
    expect(maxRelDiff(tf.grad(viaConv)(sig), tf.grad(viaCustom)(sig))).toBeLessThan(1e-5)
  })

  it('leaky ReLU as (1+a)/2 x + (1-a)/2 |x| equals tf.leakyRelu', () => {
    const x = tf.linspace(-3, 3, 61)
    expect(maxRelDiff(tf.leakyRelu(x, 0.2), leakyRelu(x, 0.2))).toBeLessThan(1e-6)
  })
})
