/** The trainer's public types (the contract in CONTRACTS.md, section C). */
import type { Metrics } from '../metrics/index.ts'
import type { StepStats } from '../gan/gan.ts'
import type { TrainConfig } from './config.ts'
import type { DiagnosticEvent } from './diagnostics.ts'

export type { Detector, DiagnosticEvent } from './diagnostics.ts'

export type TrainEvent =
  | DiagnosticEvent
  | { kind: 'checkpoint'; step: number; path: string; validation?: Partial<Metrics>; best: boolean }
  | { kind: 'info'; step: number; message: string }

/** Mutable; the trainer reads it before every step. */
export interface TrainControl {
  deviationThreshold?: number
  reconstructionWeight?: number
  paused: boolean
  /** Extra live learning-rate factor (multiplies the trainer's own, which halves after a rollback). */
  lrScale?: number
}

export interface TrainOptions {
  synthetic: string
  real: string
  /** The run folder. */
  out: string
  /** A (partial) TrainConfig; see parseTrainConfig. On resume the run's own config.json is used. */
  config?: unknown
  /** Overrides config.steps (on resume: the new total). */
  steps?: number
  /** Continue the run in `out` from its latest checkpoint. */
  resume?: boolean
  /** An enhancer model folder to start the generator from (fine-tuning). */
  init?: string
  /** Overrides config.gan.reconstruction.threshold. */
  deviationThreshold?: number
}

export type LoggedStep = StepStats & { seconds: number }

export interface TrainHooks {
  /** Called once the config is resolved and the data loaded, before the first step. */
  onStart?(info: { config: TrainConfig; startStep: number; out: string }): void
  onStep?(s: LoggedStep): void
  onEvent?(e: TrainEvent): void
  signal?: AbortSignal
  control?: TrainControl
}

export interface TrainResult {
  steps: number
  out: string
  modelDir: string
  /** True when the signal stopped the run before config.steps. */
  stopped: boolean
}
