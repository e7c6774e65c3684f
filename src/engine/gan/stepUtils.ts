/** Small helpers of the GAN step: norms per layer, the replay selection, a seeded random stream. */
import * as tf from '@tensorflow/tfjs'

/** Layer of a variable name: 'block003.dil.w' -> 'block003.dil'. */
export function layerOf(name: string): string {
  return name.replace(/\.(w|b)$/, '')
}

/** L2 norm per layer over the given tensors (weights and biases of a layer together), one device read. */
export function layerNorms(tensors: Map<string, tf.Tensor>): Record<string, number> {
  const layers: string[] = []
  const index = new Map<string, number>()
  const sq: tf.Tensor[] = []
  const owner: number[] = []
  for (const [name, t] of tensors) {
    const layer = layerOf(name)
    if (!index.has(layer)) {
      index.set(layer, layers.length)
      layers.push(layer)
    }
    owner.push(index.get(layer) as number)
    sq.push(t)
  }
  if (sq.length === 0) return {}
  const sums = tf.tidy(() => tf.stack(sq.map((t) => tf.sum(tf.square(t)))))
  const data = sums.dataSync()
  sums.dispose()
  const acc = new Float64Array(layers.length)
  owner.forEach((o, i) => (acc[o] += data[i]))
  const out: Record<string, number> = {}
  layers.forEach((l, i) => (out[l] = Math.sqrt(acc[i])))
  return out
}

export function layerWeightNorms(vars: Map<string, tf.Variable>): Record<string, number> {
  return layerNorms(vars as Map<string, tf.Tensor>)
}

/** Examples FARGAN replay puts into a real batch of size b: round(fraction * b), at least one. */
export function replayCount(b: number, fraction: number): number {
  return Math.max(1, Math.min(b, Math.round(fraction * b)))
}

/** Indices of the k largest scores, highest first. */
export function topIndices(scores: number[], k: number): number[] {
  return scores
    .map((s, i) => [s, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i)
}

/** mulberry32 on gan.rngState; returns a seed for a tfjs random op. */
export function nextRandom(state: { rngState: number }): number {
  let t = (state.rngState = (state.rngState + 0x6d2b79f5) >>> 0)
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) % 2147483647
}
