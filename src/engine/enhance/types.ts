import type { WavFormat } from '../audio/index.ts'

export interface EnhanceOptions {
  /** model folder; default defaultModelDir() */
  model?: string
  /** 0..1 dry/wet, default 1 */
  strength?: number
  /** output sample format; default: the input's (AudioFileInfo.wavFormat) */
  format?: WavFormat
  /** match the output's integrated loudness to the input's; default true */
  matchLoudness?: boolean
  /** chunk core length in seconds at the model rate; default chosen from the model (memory-bounded) */
  chunkSeconds?: number
}

export interface EnhanceResult {
  input: string
  output: string
  durationS: number
  sampleRate: number
  channels: number
  computeS: number
  /** gain applied to the processed signal, in dB (loudness matching and clipping protection) */
  gainDb: number
  /** integrated loudness of the input and the written output, LUFS (-Infinity for silence) */
  inputLufs: number
  outputLufs: number
  format: WavFormat
  /**
   * Whether the input was found full-band or band-limited over the whole file (dsp/bandwidth.ts), when the model
   * is conditioned on it (bandCondition): band-limited input gets its high band restored.
   */
  bandwidth?: 'full' | 'limited'
}

export interface EnhanceHooks {
  onProgress?(fraction: number): void
  signal?: AbortSignal
}

export interface BatchOptions extends EnhanceOptions {
  inDir: string
  outDir: string
  /** files enhanced at once, each in its own worker thread */
  jobs?: number
  /** what to do when an output exists already; default 'skip' */
  existing?: 'skip' | 'overwrite'
  /** 1-based shard index out of count: file j of the sorted list belongs to shard (j mod count) + 1 */
  shard?: { index: number; count: number }
  /** .json or .csv path; both are written */
  report?: string
}

export interface BatchFileStatus {
  /** relative to inDir */
  file: string
  status: 'queued' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled'
  progress: number
  durationS?: number
  computeS?: number
  error?: string
  /** relative to outDir */
  output?: string
  /** see EnhanceResult.bandwidth */
  bandwidth?: 'full' | 'limited'
}

export interface BatchProgress {
  done: number
  failed: number
  skipped: number
  total: number
  fraction: number
  etaS: number | null
}

export interface BatchHooks {
  onFile?(s: BatchFileStatus): void
  onProgress?(p: BatchProgress): void
  signal?: AbortSignal
}

export interface BatchResult {
  files: BatchFileStatus[]
  cancelled: boolean
  reportPaths: string[]
}
