/**
 * A differentiable STFT for losses and critics (tfjs' stft/rfft have no gradients).
 *
 * Frames: the signal is zero-padded by nFft/2 on both sides ("center"), frame f covers padded samples
 * [f*hop, f*hop + nFft); frames = floor(T / hop) + 1. Window: periodic Hann w[n] = 0.5 - 0.5 cos(2 pi n / nFft).
 *   re[f, k] =  sum_n x[n] w[n] cos(2 pi k n / nFft) / sum(w)
 *   im[f, k] = -sum_n x[n] w[n] sin(2 pi k n / nFft) / sum(w)        k = 0 .. nFft/2
 * (so a unit-amplitude sinusoid on a bin centre has magnitude 0.5). It runs as one strided conv1d with fixed
 * window*cos and window*sin kernels; the magnitude is sqrt(re^2 + im^2 + eps), differentiable everywhere.
 * When hop divides nFft, the input gradient is computed by hand (frames' gradient = dy K^T, then overlap-add):
 * same values as tfjs' strided Conv2DBackpropInput, several times faster on wasm, and itself differentiable
 * (it is linear in dy), so double backprop through it works.
 */
import * as tf from '@tensorflow/tfjs'

export const MAGNITUDE_EPS = 1e-12

const kernels = new Map<number, tf.Tensor3D>()

/** The [nFft, 1, 2 * bins] kernel: first `bins` outputs are re, the rest im. Cached per nFft (kept alive). */
export function stftKernel(nFft: number): tf.Tensor3D {
  const cached = kernels.get(nFft)
  if (cached && !cached.isDisposed) return cached
  const bins = nFft / 2 + 1
  const data = new Float32Array(nFft * 2 * bins)
  const w = new Float64Array(nFft)
  let wsum = 0
  for (let n = 0; n < nFft; n++) {
    w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / nFft)
    wsum += w[n]
  }
  for (let n = 0; n < nFft; n++) {
    for (let k = 0; k < bins; k++) {
      const phase = (2 * Math.PI * ((k * n) % nFft)) / nFft
      data[n * 2 * bins + k] = (w[n] * Math.cos(phase)) / wsum
      data[n * 2 * bins + bins + k] = (-w[n] * Math.sin(phase)) / wsum
    }
  }
  const t = tf.keep(tf.tensor3d(data, [nFft, 1, 2 * bins]))
  kernels.set(nFft, t)
  return t
}

export function stftFrames(length: number, hop: number): number {
  return Math.floor(length / hop) + 1
}

/** x [B, T, 1] -> { re, im } each [B, frames, nFft/2 + 1]. */
export function diffStft(x: tf.Tensor3D, nFft: number, hop: number): { re: tf.Tensor3D; im: tf.Tensor3D } {
  const kernel = stftKernel(nFft)
  return tf.tidy(() => {
    const padded = tf.pad(x, [
      [0, 0],
      [nFft / 2, nFft / 2],
      [0, 0]
    ]) as tf.Tensor3D
    const y = (nFft % hop === 0 ? framedTransform(padded, kernel, hop) : tf.conv1d(padded, kernel, hop, 'valid')) as tf.Tensor3D
    const [b, frames] = y.shape
    const bins = nFft / 2 + 1
    const re = tf.slice(y, [0, 0, 0], [b, frames, bins])
    const im = tf.slice(y, [0, 0, bins], [b, frames, bins])
    return { re, im }
  })
}

/**
 * conv1d(x, kernel, hop, 'valid') for hop dividing nFft, as framing (reshape + shifted slices) and one plain
 * matmul, with a hand-written input gradient (the kernel is a constant): both run on wasm's fast matmul.
 */
function framedTransform(x: tf.Tensor3D, kernel: tf.Tensor3D, hop: number): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor3D
    const [b, t] = input.shape
    const [nFft, , outCh] = kernel.shape
    const r = nFft / hop
    const frames = Math.floor((t - nFft) / hop) + 1
    const k2 = () => tf.reshape(kernel, [nFft, outCh]) as tf.Tensor2D
    const value = tf.tidy(() => {
      const rows = frames + r - 1
      const need = rows * hop
      const fitted = need > t ? tf.pad(input, [[0, 0], [0, need - t], [0, 0]]) : tf.slice(input, [0, 0, 0], [b, need, 1])
      const blocks = tf.reshape(fitted, [b, rows, hop])
      const shifted: tf.Tensor[] = []
      for (let q = 0; q < r; q++) shifted.push(tf.slice(blocks, [0, q, 0], [b, frames, hop]))
      const framed = tf.reshape(r === 1 ? shifted[0] : tf.concat(shifted, 2), [b * frames, nFft]) as tf.Tensor2D
      return tf.reshape(tf.matMul(framed, k2()), [b, frames, outCh]) as tf.Tensor3D
    })
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const kt = tf.transpose(k2())
        const g = tf.reshape(tf.matMul(tf.reshape(dy, [b * frames, outCh]) as tf.Tensor2D, kt), [b, frames, r, hop])
        const parts: tf.Tensor[] = []
        for (let q = 0; q < r; q++) {
          const chunk = tf.reshape(tf.slice(g, [0, 0, q, 0], [b, frames, 1, hop]), [b, frames, hop])
          parts.push(tf.pad(chunk, [[0, 0], [q, r - 1 - q], [0, 0]]))
        }
        const covered = (frames + r - 1) * hop
        let dx = tf.reshape(parts.length === 1 ? parts[0] : tf.addN(parts), [b, covered, 1])
        if (covered < t) dx = tf.pad(dx, [[0, 0], [0, t - covered], [0, 0]])
        else if (covered > t) dx = tf.slice(dx, [0, 0, 0], [b, t, 1])
        return [dx]
      }
    }
  })
  return op(x) as tf.Tensor3D
}

/** |STFT(x)|: [B, frames, nFft/2 + 1], sqrt(re^2 + im^2 + eps). */
export function diffStftMagnitude(x: tf.Tensor3D, nFft: number, hop: number, eps = MAGNITUDE_EPS): tf.Tensor3D {
  return tf.tidy(() => {
    const { re, im } = diffStft(x, nFft, hop)
    return tf.sqrt(tf.add(tf.add(tf.square(re), tf.square(im)), eps))
  })
}

/** log(|STFT(x)| + floor): [B, frames, bins]. */
export function diffLogMagnitude(x: tf.Tensor3D, nFft: number, hop: number, floor: number): tf.Tensor3D {
  return tf.tidy(() => tf.log(tf.add(diffStftMagnitude(x, nFft, hop), floor)))
}
