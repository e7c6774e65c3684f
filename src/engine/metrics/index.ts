/**
 * Objective quality metrics for a reference (real) and an estimate (enhanced or synthetic) signal; formulas in
 * each metric's file. computeMetrics scores one mono pair at one rate (the common length is used);
 * evalDirs pairs two folders by relative path and averages.
 */
import path from 'node:path'
import { listAudioFiles, readAudio, resample } from '../audio/index.ts'
import { siSdr } from './sisdr.ts'
import { logSpectralDistance } from './lsd.ts'
import { melCepstralDistortion } from './mcd.ts'
import { multiResolutionStftDistance } from './mrstft.ts'
import { stoi } from './stoi.ts'

export { siSdr, SISDR_CAP } from './sisdr.ts'
export { logSpectralDistance } from './lsd.ts'
export { melCepstralDistortion } from './mcd.ts'
export { multiResolutionStftDistance, MRSTFT_RESOLUTIONS } from './mrstft.ts'
export { stoi } from './stoi.ts'

export interface Metrics {
  /** dB, higher is better; capped at +-100 */
  sisdr: number
  /** log10 units, lower is better */
  lsd: number
  /** dB, lower is better */
  mcd: number
  /** 0..1, higher is better */
  stoi: number
  /** lower is better */
  mrstft: number
}

export const METRIC_KEYS: ReadonlyArray<keyof Metrics> = ['sisdr', 'lsd', 'mcd', 'stoi', 'mrstft']

export function computeMetrics(ref: Float32Array, est: Float32Array, sampleRate: number): Metrics {
  const n = Math.min(ref.length, est.length)
  if (n === 0) throw new RangeError('cannot score empty signals')
  const x = ref.subarray(0, n)
  const y = est.subarray(0, n)
  return {
    sisdr: siSdr(x, y),
    lsd: logSpectralDistance(x, y),
    mcd: melCepstralDistortion(x, y, sampleRate),
    stoi: stoi(x, y, sampleRate),
    mrstft: multiResolutionStftDistance(x, y)
  }
}

function mono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]
  const out = new Float32Array(channels[0].length)
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] / channels.length
  return out
}

export type FileScore = { file: string } & (Metrics | { error: string })

/** Mean of each metric over the scored files, ignoring NaN; NaN when no file was scored. */
export function meanMetrics(scores: Metrics[]): Metrics {
  const mean = {} as Metrics
  for (const k of METRIC_KEYS) {
    const vals = scores.map((s) => s[k]).filter((v) => !Number.isNaN(v))
    mean[k] = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN
  }
  return mean
}

const stem = (f: string) => f.slice(0, f.length - path.extname(f).length)

/**
 * Scores every reference file against the estimate with the same relative path (or, failing that, the same
 * path with another audio extension). Multi-channel files are mixed to mono; an estimate at another rate is
 * resampled to the reference's. Missing partners and unreadable files are reported per file as `error`.
 */
export async function evalDirs(
  refDir: string,
  estDir: string,
  onFile?: (done: number, total: number) => void
): Promise<{ files: FileScore[]; mean: Metrics }> {
  const refs = await listAudioFiles(refDir)
  const ests = await listAudioFiles(estDir)
  const estByPath = new Set(ests)
  const estByStem = new Map(ests.map((f) => [stem(f), f]))
  const pairs = refs.map((rel) => ({ rel, match: estByPath.has(rel) ? rel : estByStem.get(stem(rel)) }))
  const matched = new Set(pairs.map((p) => p.match))
  const unmatchedEsts = ests.filter((f) => !matched.has(f))
  const total = pairs.length + unmatchedEsts.length
  const files: FileScore[] = []
  for (const { rel, match } of pairs) {
    if (!match) {
      files.push({ file: rel, error: `no matching file in ${estDir}` })
    } else {
      try {
        const r = await readAudio(path.join(refDir, rel))
        const e = await readAudio(path.join(estDir, match))
        const x = mono(r.channels)
        let y = mono(e.channels)
        if (e.sampleRate !== r.sampleRate) y = await resample(y, e.sampleRate, r.sampleRate)
        files.push({ file: rel, ...computeMetrics(x, y, r.sampleRate) })
      } catch (err) {
        files.push({ file: rel, error: err instanceof Error ? err.message : String(err) })
      }
    }
    onFile?.(files.length, total)
  }
  for (const f of unmatchedEsts) {
    files.push({ file: f, error: `no matching reference file in ${refDir}` })
    onFile?.(files.length, total)
  }
  const scored = files.filter((f): f is { file: string } & Metrics => !('error' in f))
  return { files, mean: meanMetrics(scored) }
}
