/** Messages between JobHost (main thread) and its jobWorker threads. Internal: the UI never sees these. */
import type {
  BatchFileStatus,
  BatchOptions,
  EnhanceOptions,
  ErrorInfo,
  JobResult,
  StepMetrics,
  TrainEvent,
  TrainParams
} from '../protocol/schemas.ts'

export type JobSpec =
  | { kind: 'enhance'; input: string; output: string; options: EnhanceOptions }
  | { kind: 'batch'; options: BatchOptions }
  | { kind: 'train'; options: TrainParams }

/** Long jobs get a worker each; 'service' is one shared worker for short tasks (backend info, audio reads, exports). */
export type WorkerData = { mode: 'job'; job: JobSpec } | { mode: 'service' }

export type HostToJob =
  | { t: 'cancel' }
  | { t: 'stop' }
  | { t: 'pause' }
  | { t: 'resume' }
  | { t: 'threshold'; threshold: number; weight?: number }

export type JobToHost =
  | { t: 'progress'; fraction: number; etaS: number | null; message?: string }
  | { t: 'file'; file: BatchFileStatus }
  | { t: 'step'; stats: StepMetrics }
  | { t: 'train'; event: TrainEvent }
  | { t: 'state'; state: 'running' | 'paused' | 'stopping' }
  | { t: 'threshold'; threshold: number; weight?: number }
  | { t: 'done'; result: JobResult }
  | { t: 'failed'; error: ErrorInfo }
  | { t: 'cancelled' }

export type ServiceTask =
  | { task: 'backendInfo' }
  | { task: 'readAudio'; path: string }
  | { task: 'listCheckpoints'; run: string }
  | { task: 'exportCheckpoint'; checkpoint: string; modelDir: string }
  | { task: 'listPresets' }

export type ServiceRequest = { id: number } & ServiceTask
export type ServiceReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorInfo }
