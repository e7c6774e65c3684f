/**
 * Hand-written layers on tf.Variables, chosen so that every op has first- and second-order gradients in
 * tfjs 4.22 (see STACK-FACTS.md):
 * - dilated convs run as space-to-batch (the time axis split into `d` interleaved sequences, a plain conv on
 *   each, then interleaved back): exact, and avoids tfjs' missing dilated-conv gradient;
 * - leaky ReLU is (1+a)/2*x + (1-a)/2*|x| (double-differentiable; tf.leakyRelu's gradient is not);
 * - no tf.where on taped conditions, no batchNorm.
 * Kernels are [k, in, out] (tf.conv1d layout).
 */
import * as tf from '@tensorflow/tfjs'

export function leakyRelu<T extends tf.Tensor>(x: T, a: number): T {
  return tf.tidy(() => tf.add(tf.mul(x, (1 + a) / 2), tf.mul(tf.abs(x), (1 - a) / 2)) as T)
}

/**
 * 'same' conv along time with dilation d (stride 1); x [B, T, Cin], w [k, Cin, Cout].
 * fast: use hand-written first-order gradients built from forward convs and plain matmuls (several times faster
 * on wasm, whose Conv2DBackpropInput and transposed BatchMatMul kernels are slow). Their gradients are exact, but
 * they are not themselves differentiable, so paths that need double backprop (gradient penalty) pass fast = false.
 */
export function conv1dSame(x: tf.Tensor3D, w: tf.Tensor3D, d = 1, fast = false): tf.Tensor3D {
  if (fast) return fastConv(d)(x, w) as tf.Tensor3D
  if (d === 1) return tf.conv1d(x, w, 1, 'same') as tf.Tensor3D
  return tf.tidy(() => {
    const [b, t, c] = x.shape
    const tp = Math.ceil(t / d) * d
    const xp = padToMultiple(x, d)
    const seqs = tf.reshape(tf.transpose(tf.reshape(xp, [b, tp / d, d, c]), [0, 2, 1, 3]), [b * d, tp / d, c])
    const y = tf.conv1d(seqs as tf.Tensor3D, w, 1, 'same')
    const cout = w.shape[2]
    const back = tf.reshape(tf.transpose(tf.reshape(y, [b, d, tp / d, cout]), [0, 2, 1, 3]), [b, tp, cout]) as tf.Tensor3D
    return tp > t ? tf.slice(back, [0, 0, 0], [b, t, cout]) : back
  })
}

/** 1x1 conv as a matmul: x [B, T, Cin], w [1, Cin, Cout]. */
export function pointwise(x: tf.Tensor3D, w: tf.Tensor3D, fast = false): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, c] = x.shape
    const cout = w.shape[2]
    const x2 = tf.reshape(x, [b * t, c])
    const w2 = tf.reshape(w, [c, cout])
    return tf.reshape(fast ? fastMatMul(x2, w2) : tf.matMul(x2, w2), [b, t, cout])
  })
}

// dx = dy W^T and dW = x^T dy with explicit transposes (the un-transposed matmul is the fast kernel).
const fastMatMul = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]
  save([x, w])
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D]
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)]
    }
  }
})

// 'same' stride-1 conv with dilation d (the forward dilated conv exists; only its gradient is missing in tfjs):
// dx = dilated conv of dy with W flipped in time and in/out swapped; dW[j] = shift_{j*d}(x)^T dy.
const fastConvs = new Map<number, (x: tf.Tensor, w: tf.Tensor) => tf.Tensor>()
function fastConv(d: number): (x: tf.Tensor, w: tf.Tensor) => tf.Tensor {
  const cached = fastConvs.get(d)
  if (cached) return cached
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc]
    save([x, w])
    return {
      value: tf.conv1d(x, w, 1, 'same', 'NWC', d),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor3D, tf.Tensor3D]
        const [k, cin, cout] = ws.shape
        const [b, t] = xs.shape
        const dy3 = dy as tf.Tensor3D
        const dx = tf.conv1d(dy3, tf.reverse(tf.transpose(ws, [0, 2, 1]), 0) as tf.Tensor3D, 1, 'same', 'NWC', d)
        const p = ((k - 1) * d) / 2
        const xp = p > 0 ? tf.pad(xs, [[0, 0], [p, p], [0, 0]]) : xs
        const dy2 = tf.reshape(dy3, [b * t, cout])
        const taps: tf.Tensor[] = []
        for (let j = 0; j < k; j++) {
          const shifted = tf.reshape(tf.slice(xp, [0, j * d, 0], [b, t, cin]), [b * t, cin])
          taps.push(tf.matMul(tf.transpose(shifted), dy2))
        }
        return [dx, tf.stack(taps)]
      }
    }
  })
  fastConvs.set(d, op)
  return op
}

export function addBias(x: tf.Tensor3D, bias: tf.Tensor1D): tf.Tensor3D {
  return tf.add(x, bias)
}

/** Folds time into channels: [B, T, C] -> [B, T/f, f*C]; T must be a multiple of f. */
export function spaceToDepth(x: tf.Tensor3D, f: number): tf.Tensor3D {
  const [b, t, c] = x.shape
  return tf.reshape(x, [b, t / f, f * c])
}

/** Zero-pads the time axis at the end up to a multiple of m. */
export function padToMultiple(x: tf.Tensor3D, m: number): tf.Tensor3D {
  const t = x.shape[1]
  const tp = Math.ceil(t / m) * m
  return tp > t ? (tf.pad(x, [[0, 0], [0, tp - t], [0, 0]]) as tf.Tensor3D) : x
}

/** Dilation of layer i when dilations cycle 1, 2, 4, ... maxDilation. */
export function cycleDilation(i: number, maxDilation: number): number {
  const cycle = Math.round(Math.log2(maxDilation)) + 1
  return 2 ** (i % cycle)
}

/** Deterministic per-variable seeds derived from one seed. */
export class SeedSequence {
  private n = 0
  constructor(private readonly seed: number) {}
  next(): number {
    this.n += 1
    return (Math.imul(this.seed ^ 0x9e3779b9, 2654435761) + this.n * 7919) >>> 0
  }
}

/** He-normal kernel [k, cin, cout] scaled by `gain`; `gain` 0 gives zeros. */
export function kernelVariable(name: string, k: number, cin: number, cout: number, gain: number, seed: number): tf.Variable {
  const init =
    gain === 0
      ? tf.zeros([k, cin, cout])
      : tf.tidy(() => tf.mul(tf.randomNormal([k, cin, cout], 0, 1, 'float32', seed), gain * Math.sqrt(2 / (k * cin))))
  const v = tf.variable(init, true, name)
  init.dispose()
  return v
}

export function biasVariable(name: string, n: number): tf.Variable {
  const init = tf.zeros([n])
  const v = tf.variable(init, true, name)
  init.dispose()
  return v
}

let uniqueId = 0
/** tfjs variable names are global: prefix each network instance with a unique id. */
export function uniquePrefix(kind: string): string {
  uniqueId += 1
  return `${kind}${uniqueId}/`
}
