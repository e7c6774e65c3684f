import { throwIfAborted } from '../errors.ts'
import { type ChunkPlan, chunkAt, chunkWeights, finalizedAfter, inputNeeded } from './chunks.ts'

/** Processes one chunk: gets every channel's input over [inStart, inEnd), returns the processed channels, same lengths. */
export type SegmentProcessor = (input: Float32Array[], range: { inStart: number; inEnd: number }) => Promise<Float32Array[]>

/** Receives finished output in order: the dry input and the processed signal over the same frames. */
export type StreamSink = (dry: Float32Array[], wet: Float32Array[], start: number) => Promise<void>

/** A growing window over a block stream: keeps only the frames still needed. */
class InputWindow {
  start = 0
  data: Float32Array[]
  ended = false
  private readonly it: AsyncIterator<Float32Array[]>

  constructor(
    blocks: AsyncIterable<Float32Array[]>,
    readonly channels: number
  ) {
    this.it = blocks[Symbol.asyncIterator]()
    this.data = Array.from({ length: channels }, () => new Float32Array(0))
  }

  get end(): number {
    return this.start + this.data[0].length
  }

  async fill(until: number, signal?: AbortSignal): Promise<void> {
    const pending: Float32Array[][] = []
    let have = this.end
    while (!this.ended && have < until) {
      throwIfAborted(signal)
      const r = await this.it.next()
      if (r.done) {
        this.ended = true
        break
      }
      if (r.value.length !== this.channels) throw new Error(`expected ${this.channels} channels, got ${r.value.length}`)
      pending.push(r.value)
      have += r.value[0].length
    }
    if (pending.length === 0) return
    this.data = this.data.map((old, c) => {
      const out = new Float32Array(have - this.start)
      out.set(old)
      let at = old.length
      for (const block of pending) {
        out.set(block[c], at)
        at += block[c].length
      }
      return out
    })
  }

  slice(from: number, to: number): Float32Array[] {
    return this.data.map((d) => d.slice(from - this.start, to - this.start))
  }

  dropBefore(pos: number): void {
    const n = Math.min(this.data[0].length, Math.max(0, pos - this.start))
    if (n === 0) return
    this.data = this.data.map((d) => d.slice(n))
    this.start += n
  }

  async close(): Promise<void> {
    await this.it.return?.()
  }
}

/**
 * Runs `process` over the stream chunk by chunk (see chunks.ts) and overlap-adds the results with crossfades.
 * Memory holds about one chunk's input and output, whatever the length. Returns the number of frames.
 */
export async function processStream(
  blocks: AsyncIterable<Float32Array[]>,
  channels: number,
  plan: ChunkPlan,
  process: SegmentProcessor,
  sink: StreamSink,
  hooks: { signal?: AbortSignal; onFrames?(framesDone: number): void } = {}
): Promise<number> {
  const input = new InputWindow(blocks, channels)
  let acc: Float64Array[] = Array.from({ length: channels }, () => new Float64Array(0))
  let accStart = 0
  try {
    for (let k = 0; ; k++) {
      throwIfAborted(hooks.signal)
      await input.fill(inputNeeded(plan, k), hooks.signal)
      const total = input.ended ? input.end : Infinity
      const chunk = chunkAt(plan, k, total)
      if (!chunk || chunk.outEnd <= chunk.outStart) break
      const wet = await process(input.slice(chunk.inStart, chunk.inEnd), chunk)
      const weights = chunkWeights(plan, chunk)
      // grow the accumulator to cover this chunk's output
      const accEnd = chunk.outEnd
      if (accEnd - accStart > acc[0].length) {
        acc = acc.map((a) => {
          const g = new Float64Array(accEnd - accStart)
          g.set(a)
          return g
        })
      }
      const off = chunk.outStart - chunk.inStart
      for (let c = 0; c < channels; c++) {
        const a = acc[c]
        const y = wet[c]
        const base = chunk.outStart - accStart
        for (let i = 0; i < weights.length; i++) a[base + i] += weights[i] * y[off + i]
      }
      const done = finalizedAfter(plan, chunk)
      if (done > accStart) {
        const n = done - accStart
        const dry = input.slice(accStart, done)
        const out = acc.map((a) => Float32Array.from(a.subarray(0, n)))
        await sink(dry, out, accStart)
        acc = acc.map((a) => a.slice(n))
        accStart = done
        hooks.onFrames?.(done)
      }
      if (chunk.last) return chunk.outEnd
      const next = chunkAt(plan, k + 1, Infinity)
      input.dropBefore(Math.min(accStart, next ? next.inStart : accStart))
    }
    return accStart
  } finally {
    await input.close()
  }
}
