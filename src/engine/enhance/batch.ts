import { access } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { ConfigError } from '../errors.ts'
import { defaultModelDir } from '../paths.ts'
import { type BatchItem, checkShard, planBatch } from './batchPlan.ts'
import { type Outcome, PoolWorker } from './batchPool.ts'
import { summarise, writeBatchReport } from './batchReport.ts'
import { checkEnhanceOptions } from './enhancer.ts'
import { removeTempsFor } from './tempSamples.ts'
import type { BatchFileStatus, BatchHooks, BatchOptions, BatchProgress, BatchResult, EnhanceOptions } from './types.ts'

/** How long a cancelled worker gets to clean up before it is terminated (its temp files are then swept). */
const CANCEL_GRACE_MS = 5000

export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 4))
}

function checkBatchOptions(o: BatchOptions): void {
  checkEnhanceOptions(o)
  const problems: string[] = []
  if (o.jobs !== undefined && !(Number.isInteger(o.jobs) && o.jobs >= 1 && o.jobs <= 64)) problems.push(`jobs: must be a whole number from 1 to 64, got ${o.jobs}`)
  if (o.existing !== undefined && o.existing !== 'skip' && o.existing !== 'overwrite') problems.push(`existing: must be skip or overwrite, got ${String(o.existing)}`)
  if (problems.length) throw new ConfigError(problems)
  if (o.shard) checkShard(o.shard)
}

const exists = (p: string) => access(p).then(() => true, () => false)

/**
 * Enhances every audio file under inDir into outDir (sub-folders mirrored, outputs .wav), several at once on
 * worker threads. A failed file is reported and the rest go on; cancelling stops the workers and leaves no
 * partial output. Throws ModelError when the model cannot be loaded, ConfigError for bad options or folders.
 */
export async function runBatch(o: BatchOptions, hooks: BatchHooks = {}): Promise<BatchResult> {
  checkBatchOptions(o)
  const model = resolve(o.model ?? defaultModelDir())
  const startedAt = new Date()
  const t0 = performance.now()
  const items = await planBatch(o)
  const status: BatchFileStatus[] = items.map((it) => ({ file: it.file, output: it.output, status: 'queued', progress: 0 }))
  const options: EnhanceOptions = { strength: o.strength, format: o.format, matchLoudness: o.matchLoudness, chunkSeconds: o.chunkSeconds }
  const signal = hooks.signal

  const set = (i: number, s: Partial<BatchFileStatus>) => {
    Object.assign(status[i], s)
    hooks.onFile?.({ ...status[i] })
  }
  for (let i = 0; i < items.length; i++) {
    const refused = items[i].refused
    if (refused) set(i, { status: 'failed', progress: 1, error: refused })
    else if ((o.existing ?? 'skip') === 'skip' && (await exists(items[i].outPath))) set(i, { status: 'skipped', progress: 1 })
  }

  let workStart = performance.now()
  const progress = (): BatchProgress => {
    let weight = 0
    let got = 0
    for (let i = 0; i < items.length; i++) {
      if (status[i].status === 'skipped') continue
      const w = Math.max(1, items[i].bytes)
      weight += w
      got += w * (status[i].status === 'done' || status[i].status === 'failed' ? 1 : status[i].progress)
    }
    const fraction = weight ? got / weight : 1
    const elapsed = (performance.now() - workStart) / 1000
    const count = (s: BatchFileStatus['status']) => status.filter((f) => f.status === s).length
    return {
      done: count('done'),
      failed: count('failed'),
      skipped: count('skipped'),
      total: items.length,
      fraction,
      etaS: fraction >= 1 ? 0 : fraction > 0.005 && elapsed > 0.5 ? (elapsed * (1 - fraction)) / fraction : null
    }
  }
  const report = () => hooks.onProgress?.(progress())

  const queue = items.map((_, i) => i).filter((i) => status[i].status === 'queued')
  let cancelled = signal?.aborted ?? false
  const workers: PoolWorker[] = []
  const touched = new Set<BatchItem>()
  const onAbort = () => {
    cancelled = true
    for (const w of workers) w.cancel()
    setTimeout(() => {
      for (const w of workers) if (w.busy) void w.terminate()
    }, CANCEL_GRACE_MS).unref()
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    report()
    if (queue.length && !cancelled) {
      const n = Math.min(o.jobs ?? defaultJobs(), queue.length)
      const started = await Promise.allSettled(Array.from({ length: n }, () => PoolWorker.start(model)))
      for (const s of started) if (s.status === 'fulfilled') workers.push(s.value)
      const failure = started.find((s) => s.status === 'rejected')
      if (failure) throw failure.reason
      workStart = performance.now()
      const lane = async (slot: number) => {
        while (!cancelled && queue.length) {
          const i = queue.shift() as number
          const it = items[i]
          touched.add(it)
          const t = performance.now()
          set(i, { status: 'running', progress: 0 })
          report()
          const out: Outcome = await workers[slot].run(it.inPath, it.outPath, options, (f) => {
            set(i, { progress: f })
            report()
          })
          if (out.kind === 'done') {
            set(i, { status: 'done', progress: 1, durationS: out.result.durationS, computeS: out.result.computeS, bandwidth: out.result.bandwidth })
          } else if (out.kind === 'cancelled' || cancelled) {
            set(i, { status: 'cancelled', progress: 0 })
          } else {
            set(i, { status: 'failed', progress: 1, computeS: (performance.now() - t) / 1000, error: out.error.message })
          }
          if (out.kind === 'failed' && out.crashed) {
            await removeTempsFor(it.outPath)
            if (cancelled) break
            workers[slot] = await PoolWorker.start(model)
          }
          report()
        }
      }
      await Promise.all(workers.map((_, slot) => lane(slot)))
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await Promise.all(workers.map((w) => w.terminate()))
    // workers clean up after themselves when cancelled; this catches any that were stopped before they could
    await Promise.all([...touched].map((it) => removeTempsFor(it.outPath)))
  }
  for (let i = 0; i < items.length; i++) if (status[i].status === 'queued') set(i, { status: 'cancelled' })
  report()

  const files = status.map((s) => ({ ...s }))
  let reportPaths: string[] = []
  if (o.report) {
    reportPaths = await writeBatchReport(o.report, {
      format: 'dulcet-batch-report',
      version: 1,
      inDir: resolve(o.inDir),
      outDir: resolve(o.outDir),
      model,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      cancelled,
      summary: { ...summarise(files), wallS: (performance.now() - t0) / 1000 },
      files
    })
  }
  return { files, cancelled, reportPaths }
}
