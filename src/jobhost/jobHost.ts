import type { ResourceLimits, Worker } from 'node:worker_threads'
import { startWorker } from '../engine/workerUrl.ts'
import { DulcetEventSchema, type DulcetEvent } from '../protocol/events.ts'
import { issueLines } from '../protocol/commands.ts'
import type { JobKind, JobState, JobSummary } from '../protocol/schemas.ts'
import { finiteOrNull } from './errorInfo.ts'
import type { HostToJob, JobSpec, JobToHost, WorkerData } from './messages.ts'
import { ServiceWorker } from './serviceWorker.ts'

export interface JobHostOptions {
  /** Memory limits for each job's worker thread (a worker over them dies and its job fails). */
  resourceLimits?: ResourceLimits
}

interface Job {
  id: string
  kind: JobKind
  label: string
  startedAt: string
  state: JobState
  worker: Worker
  threshold?: number
}

const FINAL: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled'])

/** A job id or a finished job was given where a running job was expected. */
export class JobNotFoundError extends Error {
  constructor(jobId: string, why = 'no such job') {
    super(`${jobId}: ${why}`)
    this.name = 'JobNotFoundError'
  }
}

/**
 * Runs engine work on worker threads, one per job, so no UI thread ever waits on tfjs.
 * Streams each job's progress as protocol events; a worker that crashes fails its job, never the host.
 */
export class JobHost {
  private readonly jobs = new Map<string, Job>()
  private readonly listeners = new Set<(e: DulcetEvent) => void>()
  private readonly prefix = Date.now().toString(36)
  private counter = 0
  readonly service: ServiceWorker

  constructor(private readonly options: JobHostOptions = {}) {
    this.service = new ServiceWorker()
  }

  onEvent(listener: (e: DulcetEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Validates an event against the protocol (non-finite numbers become null) and hands it to every listener. */
  emit(event: DulcetEvent): void {
    const parsed = DulcetEventSchema.safeParse(finiteOrNull(event))
    if (!parsed.success) {
      console.error(`dulcet: dropped a malformed ${event.type} event: ${issueLines(parsed.error).join('; ')}`)
      return
    }
    for (const l of this.listeners) {
      try {
        l(parsed.data)
      } catch (e) {
        console.error('dulcet: an event listener failed:', e)
      }
    }
  }

  /** Starts a job on a worker of its own; its events carry the returned id. `limits` overrides the host's memory limits. */
  start(spec: JobSpec, label: string, limits: ResourceLimits | undefined = this.options.resourceLimits): string {
    const id = `${spec.kind}-${this.prefix}-${++this.counter}`
    const data: WorkerData = { mode: 'job', job: spec }
    const worker = startWorker('jobWorker', { workerData: data, resourceLimits: limits })
    const job: Job = { id, kind: spec.kind, label, startedAt: new Date().toISOString(), state: 'running', worker }
    if (spec.kind === 'train') job.threshold = spec.options.deviationThreshold // the worker reports the config's otherwise
    this.jobs.set(id, job)
    worker.on('message', (m: JobToHost) => this.onMessage(job, m))
    worker.on('error', (e: Error) => this.crashed(job, `the job's worker crashed: ${e.message}`))
    worker.on('exit', (code) => this.crashed(job, `the job's worker stopped unexpectedly (exit code ${code})`))
    this.emit({ type: 'job.started', jobId: id, kind: spec.kind, label })
    return id
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((j) => ({
      jobId: j.id,
      kind: j.kind,
      state: j.state,
      label: j.label,
      startedAt: j.startedAt,
      ...(j.threshold !== undefined ? { threshold: j.threshold } : {})
    }))
  }

  /** The threshold a running training uses now. */
  threshold(jobId: string): number {
    const job = this.running(jobId)
    if (job.threshold === undefined) throw new JobNotFoundError(jobId, 'only training jobs have a deviation threshold')
    return job.threshold
  }

  pause(jobId: string): void {
    this.trainingOnly(jobId, 'pause')
    this.send(jobId, { t: 'pause' })
  }

  resume(jobId: string): void {
    this.trainingOnly(jobId, 'resume')
    this.send(jobId, { t: 'resume' })
  }

  /** Training: checkpoint and export, then done. Other jobs: cancel. */
  stop(jobId: string): void {
    this.send(jobId, { t: this.running(jobId).kind === 'train' ? 'stop' : 'cancel' })
  }

  cancel(jobId: string): void {
    this.send(jobId, { t: 'cancel' })
  }

  /** Reaches the trainer's TrainControl before its next step. */
  setThreshold(jobId: string, threshold: number, weight?: number): void {
    this.trainingOnly(jobId, 'change its threshold')
    this.send(jobId, { t: 'threshold', threshold, ...(weight !== undefined ? { weight } : {}) })
  }

  /**
   * Ends every worker. Trainings still running are first asked to stop (checkpoint + export) and given up to
   * `graceMs` to finish; whatever still runs then is ended and reported cancelled.
   */
  async dispose(graceMs = 0): Promise<void> {
    const training = [...this.jobs.values()].filter((j) => j.kind === 'train' && !FINAL.has(j.state))
    if (graceMs > 0 && training.length > 0) {
      const ended = new Promise<void>((resolve) => {
        const check = (): void => {
          if (training.every((j) => FINAL.has(j.state))) {
            off()
            resolve()
          }
        }
        const off = this.onEvent(check)
        check()
      })
      for (const j of training) if (j.state !== 'stopping') j.worker.postMessage({ t: 'stop' } satisfies HostToJob)
      await Promise.race([ended, new Promise((r) => setTimeout(r, graceMs).unref())])
    }
    const running = [...this.jobs.values()].filter((j) => !FINAL.has(j.state))
    for (const j of running) this.finish(j, { type: 'job.cancelled', jobId: j.id })
    await Promise.all([...running.map((j) => j.worker.terminate()), this.service.dispose()])
  }

  private running(jobId: string): Job {
    const job = this.jobs.get(jobId)
    if (!job) throw new JobNotFoundError(jobId)
    if (FINAL.has(job.state)) throw new JobNotFoundError(jobId, `the job has ended (${job.state})`)
    return job
  }

  private trainingOnly(jobId: string, what: string): void {
    if (this.running(jobId).kind !== 'train') throw new JobNotFoundError(jobId, `only training jobs can ${what}`)
  }

  private send(jobId: string, m: HostToJob): void {
    this.running(jobId).worker.postMessage(m)
  }

  private finish(job: Job, event: DulcetEvent & { type: 'job.done' | 'job.failed' | 'job.cancelled' }): void {
    if (FINAL.has(job.state)) return
    job.state = event.type === 'job.done' ? 'done' : event.type === 'job.failed' ? 'failed' : 'cancelled'
    this.emit(event)
  }

  private crashed(job: Job, message: string): void {
    this.finish(job, { type: 'job.failed', jobId: job.id, error: { code: 'failed', name: 'WorkerCrash', message } })
  }

  private onMessage(job: Job, m: JobToHost): void {
    if (FINAL.has(job.state)) return
    const jobId = job.id
    switch (m.t) {
      case 'progress':
        return this.emit({ type: 'job.progress', jobId, fraction: m.fraction, etaS: m.etaS, ...(m.message ? { message: m.message } : {}) })
      case 'file':
        return this.emit({ type: 'batch.file', jobId, file: m.file })
      case 'step':
        return this.emit({ type: 'train.step', jobId, stats: m.stats })
      case 'train':
        if (m.event.kind === 'checkpoint') {
          const { step, path, validation, best } = m.event
          return this.emit({ type: 'train.checkpoint', jobId, step, path, best, ...(validation ? { validation } : {}) })
        }
        return this.emit({ type: 'train.event', jobId, event: m.event })
      case 'state':
        job.state = m.state
        return this.emit({ type: 'job.state', jobId, state: m.state })
      case 'threshold':
        job.threshold = m.threshold
        return this.emit({ type: 'train.threshold', jobId, threshold: m.threshold, ...(m.weight !== undefined ? { weight: m.weight } : {}) })
      case 'done':
        this.finish(job, { type: 'job.done', jobId, result: m.result })
        break
      case 'failed':
        this.finish(job, { type: 'job.failed', jobId, error: m.error })
        break
      case 'cancelled':
        this.finish(job, { type: 'job.cancelled', jobId })
        break
    }
    void job.worker.terminate()
  }
}
