import { z } from 'zod'
import {
  AudioForDisplaySchema,
  BackendInfoSchema,
  BatchOptionsSchema,
  CheckpointSchema,
  DirListingSchema,
  EnhanceParamsSchema,
  ErrorInfoSchema,
  FileFilterSchema,
  HostInfoSchema,
  JobSummarySchema,
  SettingsSchema,
  TrainParamsSchema,
  TrainPresetNameSchema
} from './schemas.ts'

const none = z.object({}).strict()
const path = z.string().min(1, 'a path is required')
const jobRef = z.object({ jobId: z.string().min(1) }).strict()
const jobStarted = z.object({ jobId: z.string() })
const ok = z.object({ ok: z.literal(true) })
const maybePath = z.object({ path: z.string().nullable() })

/**
 * Every command: its params and its result. The same table drives the Electron IPC handler,
 * the WebSocket host, the preload bridge and the web client; both sides validate with it.
 */
export const COMMANDS = {
  /** The TensorFlow.js backend the engine workers use, and why better ones were not taken. */
  backendInfo: { params: none, result: BackendInfoSchema },
  /** Which host the UI runs in (Electron or the web host) and what it can do. */
  hostInfo: { params: none, result: HostInfoSchema },
  /** An audio file for display and playback, as WAV bytes. Only files the user chose or Dulcet wrote. */
  readAudio: { params: z.object({ path }).strict(), result: AudioForDisplaySchema },

  /** Starts enhancing one file; progress arrives as events of the returned job. */
  enhance: { params: EnhanceParamsSchema.strict(), result: jobStarted },
  /** Starts enhancing a folder into another. */
  batch: { params: z.object({ options: BatchOptionsSchema.strict() }).strict(), result: jobStarted },
  /** Starts a training run. */
  train: { params: TrainParamsSchema.strict(), result: jobStarted },
  listJobs: { params: none, result: z.array(JobSummarySchema) },
  /** Training only: waits before the next step. */
  pauseJob: { params: jobRef, result: ok },
  resumeJob: { params: jobRef, result: ok },
  /** Training: ends the run after writing a checkpoint and exporting the model. Other jobs: as cancel. */
  stopJob: { params: jobRef, result: ok },
  /** Ends a job now; nothing partial is left behind. */
  cancelJob: { params: jobRef, result: ok },

  /** The deviation threshold a running training uses now, or (no jobId) the default for new runs. */
  getThreshold: {
    params: z.object({ jobId: z.string().min(1).optional() }).strict(),
    result: z.object({ threshold: z.number(), source: z.enum(['job', 'default']) })
  },
  setDefaultThreshold: { params: z.object({ threshold: z.number().min(0).max(10) }).strict(), result: SettingsSchema },
  /** Changes the threshold (and optionally the reconstruction weight) of a running training at its next step. */
  setJobThreshold: {
    params: z
      .object({
        jobId: z.string().min(1),
        threshold: z.number().min(0).max(10),
        weight: z.number().min(0).optional()
      })
      .strict(),
    result: ok
  },

  /** The training presets (partial configs) by name. */
  listPresets: {
    params: none,
    result: z.array(z.object({ name: TrainPresetNameSchema, config: z.record(z.string(), z.unknown()) }))
  },
  listCheckpoints: { params: z.object({ run: path }).strict(), result: z.array(CheckpointSchema) },
  /** Exports a checkpoint as an enhancer model folder. */
  exportCheckpoint: {
    params: z.object({ checkpoint: path, modelDir: path }).strict(),
    result: z.object({ modelDir: z.string() })
  },
  /** Makes a model folder the default enhancer model ("use this model"). */
  useModel: { params: z.object({ modelDir: path.nullable() }).strict(), result: SettingsSchema },

  getSettings: { params: none, result: SettingsSchema },
  setSettings: { params: SettingsSchema.partial().strict(), result: SettingsSchema },

  /** Native dialogs (Electron). Cancelled = empty list / null. The web host answers 'unsupported'. */
  openFile: {
    params: z
      .object({ title: z.string().optional(), filter: FileFilterSchema.optional(), multiple: z.boolean().optional() })
      .strict(),
    result: z.object({ paths: z.array(z.string()) })
  },
  openFolder: { params: z.object({ title: z.string().optional() }).strict(), result: maybePath },
  saveFile: {
    params: z
      .object({ title: z.string().optional(), defaultPath: z.string().optional(), filter: FileFilterSchema.optional() })
      .strict(),
    result: maybePath
  },
  /** A folder's entries (folders first, then files, by name). Default: the home folder. */
  listDir: { params: z.object({ path: z.string().optional() }).strict(), result: DirListingSchema },
  /** Web host only: the user chose this path in the in-app file browser (it may then be read). */
  choosePath: {
    params: z.object({ path, kind: z.enum(['file', 'folder', 'save']) }).strict(),
    result: z.object({ path: z.string() })
  },
  /** Electron only, sent by the preload: paths of files dropped on the window. */
  addDroppedPaths: { params: z.object({ paths: z.array(path) }).strict(), result: z.object({ paths: z.array(z.string()) }) },
  /** Electron only: shows a file in the system file manager. */
  showInFolder: { params: z.object({ path }).strict(), result: ok }
} as const

export type Commands = typeof COMMANDS
export type CommandName = keyof Commands
/** What a caller passes (defaults not yet applied). */
export type CommandParams<K extends CommandName> = z.input<Commands[K]['params']>
export type CommandResult<K extends CommandName> = z.output<Commands[K]['result']>

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]

export function isCommandName(x: unknown): x is CommandName {
  return typeof x === 'string' && Object.hasOwn(COMMANDS, x)
}

/** A request on the wire (IPC and WebSocket). `id` pairs it with its reply (WebSocket only). */
export const RequestSchema = z.object({
  id: z.number().int().nonnegative().optional(),
  command: z.string(),
  params: z.unknown().optional()
})
export type Request = z.infer<typeof RequestSchema>

export type Reply<T = unknown> = { id?: number; ok: true; result: T } | { id?: number; ok: false; error: z.infer<typeof ErrorInfoSchema> }

export const ReplySchema = z.union([
  z.object({ id: z.number().optional(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().optional(), ok: z.literal(false), error: ErrorInfoSchema })
])

/** Validation problems as one line each: "options.inDir: a path is required". */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`)
}
