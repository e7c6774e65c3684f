import type { Worker } from 'node:worker_threads'
import { AudioFileError, ModelError } from '../errors.ts'
import { startWorker } from '../workerUrl.ts'
import type { ErrorInfo, FromWorker, ToWorker } from './batchProtocol.ts'
import type { EnhanceOptions, EnhanceResult } from './types.ts'

export type Outcome =
  | { kind: 'done'; result: EnhanceResult }
  | { kind: 'failed'; error: ErrorInfo; crashed?: boolean }
  | { kind: 'cancelled' }

/** Turns a worker's error description back into the engine's error classes. */
export function rebuildError(e: ErrorInfo): Error {
  if (e.name === 'ModelError' && e.dir !== undefined && e.problem !== undefined) return new ModelError(e.dir, e.problem)
  if (e.name === 'AudioFileError' && e.file !== undefined && e.problem !== undefined) return new AudioFileError(e.file, e.problem)
  const err = new Error(e.message)
  err.name = e.name
  return err
}

/** One batch worker thread with one model loaded; runs one file at a time. */
export class PoolWorker {
  private pending: { id: number; resolve(o: Outcome): void; onProgress(f: number): void } | null = null
  private nextId = 1
  private exited = false

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => this.onMessage(m))
    worker.on('error', (e) => this.stopped(`the worker stopped with an error: ${e.message}`))
    worker.on('exit', (code) => {
      this.exited = true
      this.stopped(`the worker exited (code ${code})`)
    })
  }

  /** Starts a worker and loads the model; rejects with ModelError when the model cannot be loaded. */
  static start(model: string): Promise<PoolWorker> {
    const worker = startWorker('batchWorker')
    const w = new PoolWorker(worker)
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') {
          cleanup()
          resolve(w)
        } else if (m.type === 'init-failed') {
          cleanup()
          void worker.terminate()
          reject(rebuildError(m.error))
        }
      }
      const onError = (e: Error) => {
        cleanup()
        reject(new Error(`a batch worker failed to start: ${e.message}`))
      }
      const onExit = (code: number) => {
        cleanup()
        reject(new Error(`a batch worker exited while starting (code ${code})`))
      }
      const cleanup = () => {
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      w.post({ type: 'init', model })
    })
  }

  get busy(): boolean {
    return this.pending !== null
  }

  private post(m: ToWorker): void {
    if (!this.exited) this.worker.postMessage(m)
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending
    if (!p || !('id' in m) || m.id !== p.id) return
    if (m.type === 'progress') {
      p.onProgress(m.fraction)
      return
    }
    this.pending = null
    if (m.type === 'done') p.resolve({ kind: 'done', result: m.result })
    else if (m.type === 'failed') p.resolve({ kind: 'failed', error: m.error })
    else p.resolve({ kind: 'cancelled' })
  }

  private stopped(why: string): void {
    const p = this.pending
    this.pending = null
    p?.resolve({ kind: 'failed', error: { name: 'Error', message: why }, crashed: true })
  }

  run(input: string, output: string, options: EnhanceOptions, onProgress: (f: number) => void): Promise<Outcome> {
    if (this.pending) throw new Error('the worker is busy')
    if (this.exited) return Promise.resolve({ kind: 'failed', error: { name: 'Error', message: 'the worker has stopped' }, crashed: true })
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending = { id, resolve, onProgress }
      this.post({ type: 'file', id, input, output, options })
    })
  }

  /** Asks the running file to stop; it cleans up and answers 'cancelled'. */
  cancel(): void {
    if (this.pending) this.post({ type: 'cancel' })
  }

  async terminate(): Promise<void> {
    if (this.exited) return
    await this.worker.terminate()
  }
}
