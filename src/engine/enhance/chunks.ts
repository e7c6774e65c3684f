/**
 * Chunk planning for enhancing audio of any length with bounded memory.
 *
 * The signal is cut into cores of `hop` frames. Each chunk's processed output is used over its core widened
 * by half the crossfade `overlap` on each side, weighted by complementary raised-cosine ramps, so the weights
 * of neighbouring chunks sum to one. The model sees `context` more frames on each side of that range; with
 * context >= the model's receptive field (plus resampler support) the overlapping outputs agree up to float
 * rounding and the crossfade hides what little difference is left.
 */

export interface ChunkPlan {
  /** frames per chunk core */
  hop: number
  /** crossfade length in frames (even, <= hop) */
  overlap: number
  /** extra frames of input each side that the model sees but whose output is not used */
  context: number
  /** chunk inputs start on multiples of this (so a resampled chunk lands on the same sample grid as the whole file) */
  grid: number
}

export interface Chunk {
  index: number
  /** output range this chunk contributes to, [outStart, outEnd) */
  outStart: number
  outEnd: number
  /** input range the model processes, [inStart, inEnd), inside [0, total) */
  inStart: number
  inEnd: number
  /** true when no chunk follows */
  last: boolean
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** Frames at `rate` that map to a whole number of frames at `otherRate`. */
export function rateGrid(rate: number, otherRate: number): number {
  return rate / gcd(rate, otherRate)
}

export function makePlan(o: { hop: number; overlap: number; context: number; grid?: number }): ChunkPlan {
  const hop = Math.max(2, Math.round(o.hop))
  const overlap = Math.min(hop, 2 * Math.floor(Math.max(0, o.overlap) / 2))
  const grid = Math.max(1, Math.round(o.grid ?? 1))
  return { hop, overlap, context: Math.max(0, Math.ceil(o.context)), grid }
}

/**
 * The chunk with index k of a signal of `total` frames (total may be a lower bound while streaming: pass
 * Infinity until the end is known). Returns null when k starts past the end.
 */
export function chunkAt(plan: ChunkPlan, k: number, total: number): Chunk | null {
  const coreStart = k * plan.hop
  if (coreStart >= total && !(k === 0 && total === 0)) return null
  const half = plan.overlap / 2
  const last = (k + 1) * plan.hop >= total
  const outStart = k === 0 ? 0 : coreStart - half
  const outEnd = last ? total : (k + 1) * plan.hop + half
  const rawIn = Math.max(0, outStart - plan.context)
  const inStart = Math.floor(rawIn / plan.grid) * plan.grid
  const inEnd = Math.min(total, outEnd + plan.context)
  return { index: k, outStart, outEnd: Math.min(outEnd, total), inStart, inEnd, last }
}

/** Frames needed before chunk k can run (its input end), for a signal whose end is not known yet. */
export function inputNeeded(plan: ChunkPlan, k: number): number {
  return (k + 1) * plan.hop + plan.overlap / 2 + plan.context
}

/** Output before this position is final once chunk k has been added. */
export function finalizedAfter(plan: ChunkPlan, chunk: Chunk): number {
  return chunk.last ? chunk.outEnd : (chunk.index + 1) * plan.hop - plan.overlap / 2
}

/** Rising half of a raised-cosine crossfade at position i of n (the falling half is 1 minus it). */
function rise(i: number, n: number): number {
  const s = Math.sin((Math.PI / 2) * ((i + 0.5) / n))
  return s * s
}

/** Crossfade weights over [chunk.outStart, chunk.outEnd); the weights of all chunks sum to one at every frame. */
export function chunkWeights(plan: ChunkPlan, chunk: Chunk): Float64Array {
  const n = chunk.outEnd - chunk.outStart
  const w = new Float64Array(n).fill(1)
  const x = plan.overlap
  if (x === 0) return w
  const half = x / 2
  const k = chunk.index
  if (k > 0) {
    // ramp over [k*hop - half, k*hop + half)
    const start = k * plan.hop - half
    for (let i = 0; i < x; i++) {
      const p = start + i - chunk.outStart
      if (p >= 0 && p < n) w[p] = rise(i, x)
    }
  }
  if (!chunk.last) {
    const start = (k + 1) * plan.hop - half
    for (let i = 0; i < x; i++) {
      const p = start + i - chunk.outStart
      if (p >= 0 && p < n) w[p] = 1 - rise(i, x)
    }
  }
  return w
}
