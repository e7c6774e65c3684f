import type { Worker } from 'node:worker_threads'
import { startWorker } from '../engine/workerUrl.ts'
import type { ErrorInfo } from '../protocol/schemas.ts'
import type { ServiceReply, ServiceTask, WorkerData } from './messages.ts'

/** A service task that failed in the worker; carries the ErrorInfo to send on unchanged. */
export class TaskError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
    this.name = 'TaskError'
  }
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: Error) => void
}

/**
 * One long-lived worker for short engine tasks (backend info, audio for display, checkpoint list/export),
 * started on first use and restarted after a crash. It keeps the process alive only while a task runs.
 */
export class ServiceWorker {
  private worker?: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  run(task: ServiceTask): Promise<unknown> {
    const worker = this.ensure()
    worker.ref()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, ...task })
    })
  }

  async dispose(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    this.failAll('Dulcet is shutting down')
    if (w) await w.terminate()
  }

  private ensure(): Worker {
    if (this.worker) return this.worker
    const data: WorkerData = { mode: 'service' }
    const w = startWorker('jobWorker', { workerData: data })
    w.unref()
    w.on('message', (m: ServiceReply) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (this.pending.size === 0) w.unref()
      if (m.ok) p.resolve(m.result)
      else p.reject(new TaskError(m.error))
    })
    const lost = (why: string): void => {
      if (this.worker !== w) return
      this.worker = undefined
      this.failAll(why)
    }
    w.on('error', (e: Error) => lost(`the engine worker crashed: ${e.message}`))
    w.on('exit', (code) => lost(`the engine worker stopped unexpectedly (exit code ${code})`))
    this.worker = w
    return w
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new TaskError({ code: 'failed', name: 'WorkerCrash', message }))
    this.pending.clear()
  }
}
