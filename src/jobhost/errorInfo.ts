import { AudioFileError, CancelledError, ConfigError, ModelError } from '../engine/errors.ts'
import type { ErrorInfo } from '../protocol/schemas.ts'

/** An engine error as the UI shows it: the message, plus the file or the list of problems when known. */
export function toErrorInfo(e: unknown, code: ErrorInfo['code'] = 'failed'): ErrorInfo {
  if (e instanceof AudioFileError) return { code, name: e.name, message: e.message, file: e.file }
  if (e instanceof ModelError) return { code, name: e.name, message: e.message, file: e.dir }
  if (e instanceof ConfigError) return { code, name: e.name, message: e.message, problems: e.problems }
  if (e instanceof CancelledError) return { code, name: e.name, message: 'cancelled' }
  if (e instanceof Error) {
    const fsCode = (e as NodeJS.ErrnoException).code
    const path = (e as NodeJS.ErrnoException).path
    if (fsCode === 'ENOENT' && path) return { code: 'not-found', name: e.name, message: `${path}: no such file or folder`, file: path }
    return { code, name: e.name, message: e.message }
  }
  return { code, message: String(e) }
}

/** Replaces non-finite numbers with null, deeply (NaN/Infinity do not survive JSON; the protocol says null). */
export function finiteOrNull<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T
  if (Array.isArray(value)) return value.map((v: unknown) => finiteOrNull(v)) as T
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = finiteOrNull(v)
    return out as T
  }
  return value
}
