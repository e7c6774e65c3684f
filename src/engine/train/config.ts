/**
 * TrainConfig: the GAN config (gan/config.ts) plus what the trainer itself needs. Every field has a
 * default; parseTrainConfig completes a partial object and reports every bad or unknown field at once.
 */
import { z } from 'zod'
import { GanConfigSchema, type GanConfig } from '../gan/config.ts'
import { ConfigError } from '../errors.ts'
import type { DiagnosticsConfig } from './diagnostics.ts'

export const DiagnosticsConfigSchema = z.object({
  enabled: z.boolean().default(true),
  window: z.number().int().min(2).max(100000).default(50),
  warmupSteps: z.number().int().min(0).default(50),
  cooldownSteps: z.number().int().min(1).default(500),
  vanishingGradNorm: z.number().min(0).default(1e-3),
  collapseSeparation: z.number().min(0).default(0.3),
  divergenceGrowth: z.number().gt(1).default(10),
  divergenceNorm: z.number().positive().default(1e5),
  plateauMinCriticLayers: z.number().int().min(1).default(16),
  plateauGapChange: z.number().min(0).default(0.5),
  nonFiniteLrFactor: z.number().gt(0).lt(1).default(0.5),
  maxRollbacks: z.number().int().min(0).default(6)
}) satisfies z.ZodType<DiagnosticsConfig, unknown>

export interface TrainConfig {
  gan: GanConfig
  batchSize: number
  segmentSeconds: number
  steps: number
  logEvery: number
  checkpointEvery: number
  keepLast: number
  validationFraction: number
  /** At most this many held-out pairs are scored at each checkpoint... */
  validationClips: number
  /** ...each cut to at most this many seconds. */
  validationSeconds: number
  /** Crops quieter than this (RMS, dBFS) are skipped as silence. */
  silenceDb: number
  seed: number
  diagnostics: DiagnosticsConfig
}

export const TrainConfigSchema = z.object({
  gan: GanConfigSchema.prefault({}),
  batchSize: z.number().int().min(1).max(256).default(8),
  segmentSeconds: z.number().min(0.05).max(30).default(1),
  steps: z.number().int().min(1).default(20000),
  logEvery: z.number().int().min(1).default(10),
  checkpointEvery: z.number().int().min(1).default(1000),
  keepLast: z.number().int().min(1).default(3),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  validationClips: z.number().int().min(1).default(8),
  validationSeconds: z.number().gt(0).default(4),
  silenceDb: z.number().max(0).default(-50),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  diagnostics: DiagnosticsConfigSchema.prefault({})
}) satisfies z.ZodType<TrainConfig, unknown>

export function defaultTrainConfig(): TrainConfig {
  return TrainConfigSchema.parse({})
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** Fields present in `input` that the (fully defaulted) `shape` does not have. */
function unknownFields(input: unknown, shape: unknown, path: string[], out: string[]): void {
  if (Array.isArray(input) && Array.isArray(shape) && shape.length > 0) {
    input.forEach((x, i) => unknownFields(x, shape[0], [...path, String(i)], out))
    return
  }
  if (!isObject(input) || !isObject(shape)) return
  for (const [k, v] of Object.entries(input)) {
    const p = [...path, k]
    if (!(k in shape)) out.push(`${p.join('.')}: unknown field (allowed here: ${Object.keys(shape).join(', ')})`)
    else unknownFields(v, shape[k], p, out)
  }
}

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.join('.') : '(config)'
  return `${path}: ${issue.message}`
}

/** Completes a partial config with defaults; throws ConfigError listing every bad field with what is allowed. */
export function parseTrainConfig(json: unknown): TrainConfig {
  if (json === undefined || json === null) json = {}
  if (!isObject(json)) throw new ConfigError([`(config): expected a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`])
  const problems: string[] = []
  unknownFields(json, defaultTrainConfig(), [], problems)
  const r = TrainConfigSchema.safeParse(json)
  if (!r.success) problems.push(...r.error.issues.map(describe))
  if (problems.length > 0 || !r.success) throw new ConfigError(problems)
  const c = r.data
  const frames = Math.round(c.segmentSeconds * c.gan.sampleRate)
  const longestFft = Math.max(...c.gan.critic.resolutions.map((x) => x.nFft), ...c.gan.reconstruction.resolutions.map((x) => x.nFft))
  if (frames < longestFft) {
    throw new ConfigError([
      `segmentSeconds: ${c.segmentSeconds} s is ${frames} samples at ${c.gan.sampleRate} Hz, shorter than the longest STFT (nFft ${longestFft}); use at least ${(longestFft / c.gan.sampleRate).toFixed(3)} s`
    ])
  }
  return c
}

/** Partial configs for parseTrainConfig. */
export const TRAIN_PRESETS: Record<'tiny' | 'quick' | 'standard' | 'deep', unknown> = {
  /** A smoke run of a few seconds on cpu/wasm: narrow nets, short segments, a checkpoint every few steps. */
  tiny: {
    gan: {
      generator: { channels: 8, blocks: 2, maxDilation: 4, downsample: 4 },
      critic: { channels: 8, layers: 2, maxDilation: 2, resolutions: [{ nFft: 256, hop: 64 }], waveformScales: [1] },
      reconstruction: { resolutions: [{ nFft: 256, hop: 64 }] }
    },
    batchSize: 2,
    segmentSeconds: 0.25,
    steps: 20,
    logEvery: 1,
    checkpointEvery: 5,
    keepLast: 2,
    validationClips: 2,
    validationSeconds: 1,
    diagnostics: { window: 10, warmupSteps: 10, cooldownSteps: 50 }
  },
  /** Minutes on a laptop: a first look at what the GAN does to your voice. */
  quick: {
    gan: {
      generator: { channels: 16, blocks: 8, maxDilation: 32 },
      critic: { channels: 16, layers: 4 }
    },
    batchSize: 4,
    segmentSeconds: 0.5,
    steps: 2000,
    logEvery: 10,
    checkpointEvery: 250
  },
  /** The default. */
  standard: {},
  /** Over 32 conv layers in both networks, with the deep-plateau mitigations switched on. */
  deep: {
    gan: {
      generator: { channels: 32, blocks: 24, maxDilation: 128 },
      critic: { channels: 32, layers: 32, maxDilation: 16 },
      incrementalCritic: { enabled: true, startLayers: 4, addEvery: 500, fadeSteps: 200 },
      farganReplay: { enabled: true, fraction: 0.125 }
    },
    steps: 50000,
    checkpointEvery: 1000
  }
}

export type PresetName = keyof typeof TRAIN_PRESETS

export function isPresetName(x: string): x is PresetName {
  return x in TRAIN_PRESETS
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v)
  return out
}

/** A preset with a user's partial config laid over it (objects merged field by field, arrays replaced). */
export function withPreset(preset: PresetName, config: unknown): unknown {
  return deepMerge(structuredClone(TRAIN_PRESETS[preset]), config ?? {})
}
