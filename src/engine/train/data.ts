/**
 * Training data: both folders scanned recursively, every file decoded and resampled to the model rate
 * once (kept in memory, so later epochs never decode again), files with the same relative path in both
 * folders paired, a seeded held-out validation split of the pairs, and random crops with silent
 * stretches skipped.
 */
import { join } from 'node:path'
import { listAudioFiles, readAudio, resample } from '../audio/index.ts'
import { measureBandwidth } from '../dsp/bandwidth.ts'
import { throwIfAborted } from '../errors.ts'
import { Rng } from './rng.ts'

export interface Clip {
  rel: string
  samples: Float32Array
}

export interface SyntheticClip extends Clip {
  /** Whether the whole clip is full-band (dsp/bandwidth.ts); the generator's band input for its crops. */
  fullBand: boolean
}

export interface Pair {
  rel: string
  synthetic: Float32Array
  real: Float32Array
  /** Whether the whole synthetic clip is full-band. */
  fullBand: boolean
}

export interface TrainData {
  /** Training clips (held-out validation pairs excluded). */
  synthetic: SyntheticClip[]
  real: Clip[]
  /** Training pairs (same relative path in both folders), trimmed to the shorter of the two. */
  pairs: Pair[]
  /** Held-out pairs, scored at checkpoints. */
  validation: Pair[]
}

export interface LoadOptions {
  synthetic: string
  real: string
  sampleRate: number
  validationFraction: number
  seed: number
  signal?: AbortSignal
  /** Called for each file that could not be used (it is skipped) and for a summary. */
  onInfo?(message: string): void
  onProgress?(done: number, total: number): void
}

function mono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]
  const out = new Float32Array(channels[0].length)
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] / channels.length
  return out
}

async function decodeFolder(
  dir: string,
  rate: number,
  o: LoadOptions,
  progress: { done: number; total: number }
): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>()
  for (const rel of await listAudioFiles(dir)) {
    throwIfAborted(o.signal)
    try {
      const a = await readAudio(join(dir, rel))
      const x = mono(a.channels)
      out.set(rel, a.sampleRate === rate ? x : await resample(x, a.sampleRate, rate))
    } catch (e) {
      o.onInfo?.(`Skipped ${join(dir, rel)}: ${e instanceof Error ? e.message : String(e)}`)
    }
    progress.done++
    o.onProgress?.(progress.done, progress.total)
  }
  return out
}

export async function loadTrainData(o: LoadOptions): Promise<TrainData> {
  const [synList, realList] = await Promise.all([listAudioFiles(o.synthetic), listAudioFiles(o.real)])
  if (synList.length === 0) throw new Error(`${o.synthetic}: no audio files found (looked for .wav, .flac, .mp3, .ogg, .opus)`)
  if (realList.length === 0) throw new Error(`${o.real}: no audio files found (looked for .wav, .flac, .mp3, .ogg, .opus)`)
  const progress = { done: 0, total: synList.length + realList.length }
  const syn = await decodeFolder(o.synthetic, o.sampleRate, o, progress)
  const real = await decodeFolder(o.real, o.sampleRate, o, progress)
  if (syn.size === 0) throw new Error(`${o.synthetic}: none of the ${synList.length} audio files could be decoded`)
  if (real.size === 0) throw new Error(`${o.real}: none of the ${realList.length} audio files could be decoded`)

  const pairedRels = [...syn.keys()].filter((r) => real.has(r)).sort()
  const held = new Set<string>()
  if (o.validationFraction > 0 && pairedRels.length >= 2) {
    const n = Math.min(pairedRels.length - 1, Math.max(1, Math.round(pairedRels.length * o.validationFraction)))
    for (const r of new Rng((o.seed ^ 0x5a17) >>> 0).shuffle([...pairedRels]).slice(0, n)) held.add(r)
  }
  const synFullBand = new Map([...syn].map(([rel, x]) => [rel, measureBandwidth([x], o.sampleRate).fullBand]))
  const pair = (rel: string): Pair => {
    const s = syn.get(rel) as Float32Array
    const r = real.get(rel) as Float32Array
    const n = Math.min(s.length, r.length)
    return { rel, synthetic: s.subarray(0, n), real: r.subarray(0, n), fullBand: synFullBand.get(rel) === true }
  }
  const data: TrainData = {
    synthetic: [...syn].filter(([r]) => !held.has(r)).map(([rel, samples]) => ({ rel, samples, fullBand: synFullBand.get(rel) === true })),
    real: [...real].filter(([r]) => !held.has(r)).map(([rel, samples]) => ({ rel, samples })),
    pairs: pairedRels.filter((r) => !held.has(r)).map(pair),
    validation: [...held].sort().map(pair)
  }
  const secs = (clips: Clip[]) => (clips.reduce((a, c) => a + c.samples.length, 0) / o.sampleRate).toFixed(1)
  o.onInfo?.(
    `Training data: ${data.synthetic.length} synthetic (${secs(data.synthetic)} s), ${data.real.length} real (${secs(data.real)} s), ` +
      `${data.pairs.length} training pairs, ${data.validation.length} held-out validation pairs; ` +
      `synthetic clips: ${[...synFullBand.values()].filter(Boolean).length} full-band, ${[...synFullBand.values()].filter((f) => !f).length} band-limited.`
  )
  return data
}

export interface BatchArrays {
  /** [batch * segment] each, batch-major. */
  synthetic: Float32Array
  real: Float32Array
  pairedReal?: Float32Array
  /** [batch]: whether each synthetic crop's clip is full-band. */
  fullBand: boolean[]
}

function rmsDb(x: Float32Array, from: number, n: number): number {
  let s = 0
  for (let i = from; i < from + n && i < x.length; i++) s += x[i] * x[i]
  return 10 * Math.log10(s / n + 1e-20)
}

/** Random crops of `segment` samples; the rng is the trainer's (its state is saved in checkpoints). */
export class BatchSampler {
  private readonly gateDb: number
  constructor(
    private readonly data: TrainData,
    private readonly segment: number,
    private readonly batchSize: number,
    silenceDb: number,
    private readonly paired: boolean,
    private readonly rng: Rng
  ) {
    this.gateDb = silenceDb
  }

  /** True when batches carry pairedReal (pairedWeight > 0 and the folders share files). */
  get usesPairs(): boolean {
    return this.paired && this.data.pairs.length > 0
  }

  /** A start offset whose crop is not silent (up to 8 tries; then the loudest try). */
  private offset(x: Float32Array): number {
    const span = x.length - this.segment
    if (span <= 0) return 0
    let best = 0
    let bestDb = -Infinity
    for (let t = 0; t < 8; t++) {
      const off = this.rng.int(span + 1)
      const db = rmsDb(x, off, this.segment)
      if (db >= this.gateDb) return off
      if (db > bestDb) [best, bestDb] = [off, db]
    }
    return best
  }

  private copy(dst: Float32Array, b: number, src: Float32Array, off: number): void {
    dst.set(src.subarray(off, off + this.segment), b * this.segment)
  }

  next(): BatchArrays {
    const T = this.segment
    const out: BatchArrays = {
      synthetic: new Float32Array(this.batchSize * T),
      real: new Float32Array(this.batchSize * T),
      fullBand: []
    }
    if (this.usesPairs) out.pairedReal = new Float32Array(this.batchSize * T)
    for (let b = 0; b < this.batchSize; b++) {
      if (out.pairedReal) {
        const p = this.data.pairs[this.rng.int(this.data.pairs.length)]
        const off = this.offset(p.synthetic)
        this.copy(out.synthetic, b, p.synthetic, off)
        this.copy(out.pairedReal, b, p.real, off)
        out.fullBand.push(p.fullBand)
      } else {
        const c = this.data.synthetic[this.rng.int(this.data.synthetic.length)]
        this.copy(out.synthetic, b, c.samples, this.offset(c.samples))
        out.fullBand.push(c.fullBand)
      }
      const r = this.data.real[this.rng.int(this.data.real.length)]
      this.copy(out.real, b, r.samples, this.offset(r.samples))
    }
    return out
  }
}
