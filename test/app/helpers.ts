import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultGeneratorConfig } from '../../src/engine/gan/config.ts'
import type { JobHost } from '../../src/jobhost/jobHost.ts'
import type { DulcetEvent } from '../../src/protocol/events.ts'
import { saveTestModel } from '../enhance/helpers.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const devData = resolve(repoRoot, '../shared/data/speech-dev')

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dulcet-app-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** The first `n` dev clips (sorted names). */
export async function devClips(n: number): Promise<string[]> {
  return (await readdir(join(devData, 'clean'))).filter((f) => f.endsWith('.wav')).sort().slice(0, n)
}

/** A small paired training set: `n` degraded clips as "synthetic", their clean originals as "real". */
export async function smallTrainSet(dir: string, n: number, degraded = 'gl32'): Promise<{ synthetic: string; real: string }> {
  const synthetic = join(dir, 'synthetic')
  const real = join(dir, 'real')
  await mkdir(synthetic, { recursive: true })
  await mkdir(real, { recursive: true })
  for (const f of await devClips(n)) {
    await copyFile(join(devData, degraded, f), join(synthetic, f))
    await copyFile(join(devData, 'clean', f), join(real, f))
  }
  return { synthetic, real }
}

/** A small fresh generator (exactly the identity) saved as an enhancer model. */
export function identityModel(dir: string): Promise<string> {
  return saveTestModel(dir, { config: { ...defaultGeneratorConfig(), channels: 4, blocks: 1, maxDilation: 1 } })
}

/** Records every JobHost event; `next` waits for the first (new or past) event matching a predicate. */
export function recordEvents(host: Pick<JobHost, 'onEvent'>): {
  events: DulcetEvent[]
  next<T extends DulcetEvent>(pred: (e: DulcetEvent) => e is T, timeoutMs?: number): Promise<T>
  stop(): void
} {
  const events: DulcetEvent[] = []
  const waiters = new Set<(e: DulcetEvent) => void>()
  const stop = host.onEvent((e) => {
    events.push(e)
    for (const w of waiters) w(e)
  })
  return {
    events,
    stop,
    next<T extends DulcetEvent>(pred: (e: DulcetEvent) => e is T, timeoutMs = 90_000): Promise<T> {
      const seen = events.find(pred)
      if (seen) return Promise.resolve(seen)
      return new Promise<T>((resolveP, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(w)
          reject(new Error(`no matching event within ${timeoutMs} ms; got: ${events.map((e) => e.type).join(', ')}`))
        }, timeoutMs)
        const w = (e: DulcetEvent): void => {
          if (!pred(e)) return
          clearTimeout(timer)
          waiters.delete(w)
          resolveP(e)
        }
        waiters.add(w)
      })
    }
  }
}

/** Type guard for one event type of one job. */
export function isEvent<K extends DulcetEvent['type']>(type: K, jobId?: string) {
  return (e: DulcetEvent): e is Extract<DulcetEvent, { type: K }> =>
    e.type === type && (jobId === undefined || !('jobId' in e) || e.jobId === jobId)
}

/** Any of the three final events of a job. */
export function isFinal(jobId: string) {
  return (e: DulcetEvent): e is Extract<DulcetEvent, { type: 'job.done' | 'job.failed' | 'job.cancelled' }> =>
    (e.type === 'job.done' || e.type === 'job.failed' || e.type === 'job.cancelled') && e.jobId === jobId
}
