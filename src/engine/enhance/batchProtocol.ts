/** Messages between runBatch (parent) and its batch workers (src/engine/enhance/batchWorker.ts). */
import type { EnhanceOptions, EnhanceResult } from './types.ts'

export interface ErrorInfo {
  name: string
  message: string
  /** ModelError's folder and problem, AudioFileError's file and problem */
  dir?: string
  file?: string
  problem?: string
}

export type ToWorker =
  | { type: 'init'; model: string }
  | { type: 'file'; id: number; input: string; output: string; options: EnhanceOptions }
  /** abort the file in progress; the worker answers with 'cancelled' (or 'done' if it had just finished) */
  | { type: 'cancel' }

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'init-failed'; error: ErrorInfo }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; result: EnhanceResult }
  | { type: 'failed'; id: number; error: ErrorInfo }
  | { type: 'cancelled'; id: number }

export function errorInfo(e: unknown): ErrorInfo {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) }
  const x = e as Error & { dir?: unknown; file?: unknown; problem?: unknown }
  const info: ErrorInfo = { name: e.name, message: e.message }
  if (typeof x.dir === 'string') info.dir = x.dir
  if (typeof x.file === 'string') info.file = x.file
  if (typeof x.problem === 'string') info.problem = x.problem
  return info
}
