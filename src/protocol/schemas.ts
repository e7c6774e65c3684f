import { z } from 'zod'

/**
 * Data shapes that cross the UI <-> engine boundary. They mirror the engine contracts
 * (src/engine/{backend,enhance,train}) but stand alone: this file is imported by the renderer and must
 * not pull engine code into the browser bundle. src/jobhost/ checks at compile time that they still fit.
 */

export const BackendNameSchema = z.enum(['gpu', 'node', 'wasm', 'cpu'])

export const BackendInfoSchema = z.object({
  backend: BackendNameSchema,
  tfBackend: z.string(),
  forced: z.boolean(),
  skipped: z.array(z.object({ backend: BackendNameSchema, reason: z.string(), fix: z.string().optional() }))
})
export type BackendInfo = z.infer<typeof BackendInfoSchema>

export const HostInfoSchema = z.object({
  /** 'electron': native dialogs and drag-and-drop; 'web': pick paths with listDir + choosePath. */
  kind: z.enum(['electron', 'web']),
  nativeDialogs: z.boolean(),
  platform: z.string(),
  homeDir: z.string(),
  version: z.string()
})
export type HostInfo = z.infer<typeof HostInfoSchema>

const path = z.string().min(1, 'a path is required')

export const WavFormatSchema = z.enum(['pcm16', 'pcm24', 'float32'])
export type WavFormat = z.infer<typeof WavFormatSchema>

export const EnhanceOptionsSchema = z.object({
  /** Enhancer model folder; default: the one in settings, else the bundled default model. */
  model: path.optional(),
  strength: z.number().min(0).max(1).optional(),
  /** Default: the settings' output format ('input' = the input's own format). */
  format: WavFormatSchema.optional(),
  matchLoudness: z.boolean().optional()
})
export type EnhanceOptions = z.infer<typeof EnhanceOptionsSchema>

export const EnhanceParamsSchema = z.object({ input: path, output: path, options: EnhanceOptionsSchema.optional() })
export type EnhanceParams = z.infer<typeof EnhanceParamsSchema>

export const BatchOptionsSchema = EnhanceOptionsSchema.extend({
  inDir: path,
  outDir: path,
  jobs: z.number().int().min(1).max(64).optional(),
  existing: z.enum(['skip', 'overwrite']).optional(),
  shard: z
    .object({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((s) => s.index <= s.count, 'shard index must be <= count')
    .optional(),
  /** .json or .csv path; both are written. */
  report: path.optional()
})
export type BatchOptions = z.infer<typeof BatchOptionsSchema>

export const TrainPresetNameSchema = z.enum(['tiny', 'quick', 'standard', 'deep'])
export type TrainPresetName = z.infer<typeof TrainPresetNameSchema>

export const TrainParamsSchema = z.object({
  synthetic: path,
  real: path,
  /** The run folder (config.json, metrics.jsonl, events.jsonl, checkpoints/, model/). */
  out: path,
  /** Partial config the run starts from; `config` is merged over it. Default 'standard'. */
  preset: TrainPresetNameSchema.optional(),
  /** Partial TrainConfig (JSON) merged over the preset; the engine validates it and names every bad field. */
  config: z.record(z.string(), z.unknown()).optional(),
  steps: z.number().int().min(1).optional(),
  resume: z.boolean().optional(),
  /** Enhancer model folder to start the generator from. */
  init: path.optional(),
  /** Default: the config's threshold if it sets one, else the settings' default threshold. */
  deviationThreshold: z.number().min(0).optional()
})
export type TrainParams = z.infer<typeof TrainParamsSchema>

/** A measured value; null when it was not finite (NaN/Infinity do not survive JSON, and the UI must show them). */
export const ReadingSchema = z.number().nullable()

export const MetricsSchema = z.object({
  sisdr: ReadingSchema,
  lsd: ReadingSchema,
  mcd: ReadingSchema,
  stoi: ReadingSchema,
  mrstft: ReadingSchema
})
export const PartialMetricsSchema = MetricsSchema.partial()
export type PartialMetrics = z.infer<typeof PartialMetricsSchema>

const norms = z.record(z.string(), ReadingSchema)

/**
 * One training step as the UI charts it (the engine's StepStats plus wall seconds per step).
 * Losses, scores and norms are null when not finite (a diverged run), per ReadingSchema.
 */
export const StepMetricsSchema = z.object({
  step: z.number(),
  seconds: z.number(),
  lossD: ReadingSchema,
  lossG: ReadingSchema,
  adversarial: ReadingSchema,
  reconstruction: ReadingSchema,
  paired: ReadingSchema,
  gap: ReadingSchema,
  dReal: ReadingSchema,
  dFake: ReadingSchema,
  threshold: z.number(),
  weight: z.number(),
  overThreshold: ReadingSchema,
  criticLayers: z.number(),
  fade: z.number(),
  replayed: z.boolean(),
  gradNormG: norms,
  gradNormD: norms,
  weightNormG: norms,
  weightNormD: norms
})
export type StepMetrics = z.infer<typeof StepMetricsSchema>

export const DetectorSchema = z.enum([
  'vanishing-gradients',
  'critic-collapse',
  'weight-divergence',
  'deep-plateau',
  'non-finite'
])

export const TrainEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('diagnostic'),
    step: z.number(),
    detector: DetectorSchema,
    severity: z.enum(['warning', 'error']),
    message: z.string(),
    advice: z.string()
  }),
  z.object({
    kind: z.literal('checkpoint'),
    step: z.number(),
    path: z.string(),
    validation: PartialMetricsSchema.optional(),
    best: z.boolean()
  }),
  z.object({ kind: z.literal('info'), step: z.number(), message: z.string() })
])
export type TrainEvent = z.infer<typeof TrainEventSchema>

export const CheckpointSchema = z.object({
  step: z.number(),
  path: z.string(),
  validation: PartialMetricsSchema.optional()
})
export type Checkpoint = z.infer<typeof CheckpointSchema>

export const BatchFileStatusSchema = z.object({
  file: z.string(),
  status: z.enum(['queued', 'running', 'done', 'skipped', 'failed', 'cancelled']),
  progress: z.number(),
  durationS: z.number().optional(),
  computeS: z.number().optional(),
  error: z.string().optional(),
  /** The written file, relative to the output folder. */
  output: z.string().optional(),
  /** The input's bandwidth, when the model is conditioned on it. */
  bandwidth: z.enum(['full', 'limited']).optional()
})
export type BatchFileStatus = z.infer<typeof BatchFileStatusSchema>

export const EnhanceResultSchema = z.object({
  input: z.string(),
  output: z.string(),
  durationS: z.number(),
  sampleRate: z.number(),
  channels: z.number(),
  computeS: z.number(),
  /** Gain applied to the processed signal (loudness matching, clipping protection), dB. */
  gainDb: ReadingSchema.optional(),
  /** Integrated loudness, LUFS; null for silence. */
  inputLufs: ReadingSchema.optional(),
  outputLufs: ReadingSchema.optional(),
  format: WavFormatSchema.optional(),
  /** The input's bandwidth over the whole file, when the model is conditioned on it. */
  bandwidth: z.enum(['full', 'limited']).optional()
})
export type EnhanceResult = z.infer<typeof EnhanceResultSchema>

export const JobKindSchema = z.enum(['enhance', 'batch', 'train'])
export type JobKind = z.infer<typeof JobKindSchema>

export const JobResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('enhance'), result: EnhanceResultSchema }),
  z.object({
    kind: z.literal('batch'),
    files: z.array(BatchFileStatusSchema),
    cancelled: z.boolean(),
    reportPaths: z.array(z.string())
  }),
  z.object({
    kind: z.literal('train'),
    steps: z.number(),
    out: z.string(),
    modelDir: z.string(),
    /** True when the run was stopped before its configured steps (the model is exported all the same). */
    stopped: z.boolean()
  })
])
export type JobResult = z.infer<typeof JobResultSchema>

export const JobStateSchema = z.enum(['running', 'paused', 'stopping', 'done', 'failed', 'cancelled'])
export type JobState = z.infer<typeof JobStateSchema>

export const JobSummarySchema = z.object({
  jobId: z.string(),
  kind: JobKindSchema,
  state: JobStateSchema,
  /** What the job works on, for lists: the input file, the input folder or the run folder. */
  label: z.string(),
  startedAt: z.string(),
  /** Training only: the deviation threshold the trainer uses now. */
  threshold: z.number().optional()
})
export type JobSummary = z.infer<typeof JobSummarySchema>

/** An error as the UI shows it: always a plain message; `file` / `problems` when the engine named them. */
export const ErrorInfoSchema = z.object({
  code: z.enum(['bad-json', 'schema', 'unknown-command', 'not-allowed', 'not-found', 'unsupported', 'failed']),
  message: z.string(),
  name: z.string().optional(),
  file: z.string().optional(),
  problems: z.array(z.string()).optional()
})
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>

export const OutputFormatSchema = z.enum(['input', 'pcm16', 'pcm24', 'float32'])

export const SettingsSchema = z.object({
  /** Default reconstruction deviation threshold (tau) for new training runs. */
  deviationThreshold: z.number().min(0).max(10),
  /** Default output format of enhancement; 'input' keeps the input's own format. */
  outputFormat: OutputFormatSchema,
  /** The enhancer model used by default; null = the bundled default model. */
  modelDir: z.string().min(1).nullable(),
  strength: z.number().min(0).max(1),
  matchLoudness: z.boolean()
})
export type Settings = z.infer<typeof SettingsSchema>

export const DEFAULT_SETTINGS: Settings = {
  deviationThreshold: 0.1,
  outputFormat: 'input',
  modelDir: null,
  strength: 1,
  matchLoudness: true
}

export const AudioForDisplaySchema = z.object({
  path: z.string(),
  /** A WAV file (16-bit PCM) the browser can decode: what wavesurfer / <audio> load. */
  wav: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes'),
  sampleRate: z.number(),
  channels: z.number(),
  frames: z.number(),
  durationS: z.number()
})
export type AudioForDisplay = z.infer<typeof AudioForDisplaySchema>

export const DirEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'dir']),
  /** True for files with an audio extension Dulcet reads. */
  audio: z.boolean(),
  size: z.number().optional()
})
export const DirListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(DirEntrySchema)
})
export type DirListing = z.infer<typeof DirListingSchema>

export const FileFilterSchema = z.enum(['audio', 'json', 'any'])
export type FileFilter = z.infer<typeof FileFilterSchema>
