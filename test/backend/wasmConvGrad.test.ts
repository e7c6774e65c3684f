import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/engine/backend.ts'

// Filter gradients on wasm come from our Conv2DBackpropFilter kernel; the cpu backend's own kernel is the reference.

function random(n: number, seed: number): Float32Array {
  let s = seed
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648 - 0.5
  })
}

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]]

async function conv2dFilterGrad(backend: string, xShape: number[], wShape: number[], strides: number | [number, number], pad: Pad) {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const x = tf.tensor4d(random(xShape.reduce((a, b) => a * b), 1), xShape as [number, number, number, number])
    const w = tf.tensor4d(random(wShape.reduce((a, b) => a * b), 2), wShape as [number, number, number, number])
    // A non-uniform upstream gradient: d(sum(y^2))/dy = 2y.
    return tf.grad((v) => tf.conv2d(x, v as tf.Tensor4D, strides, pad).square().sum())(w).dataSync() as Float32Array
  })
}

async function conv1dFilterGrad(backend: string, xShape: [number, number, number], wShape: [number, number, number], stride: number, pad: 'same' | 'valid') {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const x = tf.tensor3d(random(xShape.reduce((a, b) => a * b), 3), xShape)
    const w = tf.tensor3d(random(wShape.reduce((a, b) => a * b), 4), wShape)
    return tf.grad((v) => tf.conv1d(x, v as tf.Tensor3D, stride, pad).tanh().sum())(w).dataSync() as Float32Array
  })
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(b.length).toBe(a.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    const info = await initBackend({ force: 'wasm' })
    expect(info.tfBackend).toBe('wasm')
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
  })

  const conv2dCases: Array<[string, number[], number[], number | [number, number], Pad]> = [
    ['3x3 stride 1 same', [2, 9, 11, 3], [3, 3, 3, 4], 1, 'same'],
    ['3x3 stride 2 same', [2, 9, 11, 3], [3, 3, 3, 4], 2, 'same'],
    ['3x3 stride 2 valid, last row unread', [2, 10, 10, 3], [3, 3, 3, 4], 2, 'valid'],
    ['5x4 strides 3x2 same', [1, 12, 13, 2], [5, 4, 2, 2], [3, 2], 'same'],
    ['explicit pads, strides 2x3', [3, 7, 8, 2], [2, 4, 2, 5], [2, 3], [[0, 0], [1, 2], [0, 3], [0, 0]]],
    ['1x1 kernel', [2, 5, 6, 4], [1, 1, 4, 3], 1, 'valid'],
    ['numeric pad 1, stride 2', [2, 8, 9, 3], [3, 3, 3, 2], 2, 1]
  ]
  for (const [name, xs, ws, strides, pad] of conv2dCases) {
    it(`conv2d ${name}: weight gradient matches cpu`, async () => {
      const ref = await conv2dFilterGrad('cpu', xs, ws, strides, pad)
      const got = await conv2dFilterGrad('wasm', xs, ws, strides, pad)
      expect(maxAbsDiff(ref, got)).toBeLessThan(1e-4)
    })
  }

  const conv1dCases: Array<[string, [number, number, number], [number, number, number], number, 'same' | 'valid']> = [
    ['k=7 same', [2, 200, 3], [7, 3, 8], 1, 'same'],
    ['k=4 stride 2 same', [1, 101, 2], [4, 2, 5], 2, 'same'],
    ['k=16 stride 4 valid (strided STFT-like)', [2, 257, 1], [16, 1, 6], 4, 'valid'],
    ['single channel, long', [1, 4096, 1], [9, 1, 1], 1, 'same']
  ]
  for (const [name, xs, ws, stride, pad] of conv1dCases) {
    it(`conv1d ${name}: weight gradient matches cpu`, async () => {
      const ref = await conv1dFilterGrad('cpu', xs, ws, stride, pad)
      const got = await conv1dFilterGrad('wasm', xs, ws, stride, pad)
      expect(maxAbsDiff(ref, got)).toBeLessThan(1e-4)
    })
  }

  it('trains conv weights with an optimiser on wasm without leaking tensors or wasm memory', async () => {
    await tf.setBackend('wasm')
    const w = tf.variable(tf.tensor3d(random(5 * 2 * 4, 5), [5, 2, 4]))
    const x = tf.tensor3d(random(2 * 300 * 2, 6), [2, 300, 2])
    const target = tf.zeros([2, 150, 4])
    const opt = tf.train.adam(0.05)
    const loss = () => tf.losses.meanSquaredError(target, tf.conv1d(x, w, 2, 'same')) as tf.Scalar
    const first = tf.tidy(() => loss().dataSync()[0])
    opt.minimize(loss) // creates the optimiser's slots
    const tensors = tf.memory().numTensors
    const dataIds = tf.backend().numDataIds()
    for (let i = 0; i < 20; i++) tf.dispose(opt.minimize(loss, true) ?? [])
    expect(tf.memory().numTensors).toBe(tensors)
    expect(tf.backend().numDataIds()).toBe(dataIds)
    const last = tf.tidy(() => loss().dataSync()[0])
    expect(last).toBeLessThan(first * 0.5)
    tf.dispose([w, x, target])
    opt.dispose()
  })
})
