// One subscription to the host's events, fanned out per job. Events that arrive before a view starts
// watching a job (the host may emit before the start command's reply lands) are kept and replayed.
import type { DulcetEvent } from '../../../protocol/events.ts'
import { api } from './api.ts'

type JobEvent = Extract<DulcetEvent, { jobId: string }>
type Listener = (e: JobEvent) => void

const KEEP = 2000
const backlog = new Map<string, JobEvent[]>()
const listeners = new Map<string, Set<Listener>>()
const globalListeners = new Set<(e: DulcetEvent) => void>()
let started = false

function start(): void {
  if (started) return
  started = true
  api.onEvent((e) => {
    for (const g of globalListeners) g(e)
    if (!('jobId' in e)) return
    const set = listeners.get(e.jobId)
    if (set?.size) {
      for (const l of set) l(e)
      return
    }
    const list = backlog.get(e.jobId) ?? []
    list.push(e)
    if (list.length > KEEP) list.shift()
    backlog.set(e.jobId, list)
  })
}

/** Calls `fn` for every event of the job, starting with any that already arrived. Returns the unsubscribe. */
export function watchJob(jobId: string, fn: Listener): () => void {
  start()
  const set = listeners.get(jobId) ?? new Set<Listener>()
  listeners.set(jobId, set)
  set.add(fn)
  const early = backlog.get(jobId)
  backlog.delete(jobId)
  for (const e of early ?? []) fn(e)
  return () => {
    set.delete(fn)
    if (set.size === 0) listeners.delete(jobId)
  }
}

export function onAnyEvent(fn: (e: DulcetEvent) => void): () => void {
  start()
  globalListeners.add(fn)
  return () => globalListeners.delete(fn)
}

/** Subscribes before the job starts so no event can be missed; resolves with the job id. */
export async function startJob(begin: () => Promise<{ jobId: string }>, fn: Listener): Promise<{ jobId: string; stop: () => void }> {
  start()
  const { jobId } = await begin()
  return { jobId, stop: watchJob(jobId, fn) }
}

export function isFinal(e: JobEvent): boolean {
  return e.type === 'job.done' || e.type === 'job.failed' || e.type === 'job.cancelled'
}

type JobResultOf = Extract<JobEvent, { type: 'job.done' }>['result']

/** Starts a job and resolves with its result when it is done; rejects when it fails or is cancelled. */
export function runJob(begin: () => Promise<{ jobId: string }>, onEvent?: Listener, onStart?: (jobId: string) => void): Promise<JobResultOf> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | undefined
    let finished = false
    const listener: Listener = (e) => {
      onEvent?.(e)
      if (e.type === 'job.done') resolve(e.result)
      else if (e.type === 'job.failed') reject(new Error(e.error.file && !e.error.message.includes(e.error.file) ? `${e.error.message} (${e.error.file})` : e.error.message))
      else if (e.type === 'job.cancelled') reject(new Error('cancelled'))
      if (isFinal(e)) {
        finished = true
        stop?.()
      }
    }
    startJob(begin, listener).then((j) => {
      stop = j.stop
      if (finished) stop()
      else onStart?.(j.jobId)
    }, reject)
  })
}
