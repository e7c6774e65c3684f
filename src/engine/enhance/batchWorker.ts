/**
 * A batch worker thread: its own TensorFlow.js instance holding one loaded model, enhancing one file at a time
 * for runBatch (batch.ts). Protocol in batchProtocol.ts.
 */
import { parentPort } from 'node:worker_threads'
import { activeBackend } from '../backend.ts'
import { CancelledError } from '../errors.ts'
import type { EnhancerModel } from '../model/format.ts'
import { type FromWorker, type ToWorker, errorInfo } from './batchProtocol.ts'
import { enhanceWithModel } from './enhancer.ts'
import { openModel } from './modelRunner.ts'

const port = parentPort
if (!port) throw new Error('batchWorker must run in a worker thread')

let model: EnhancerModel | null = null
let current: AbortController | null = null
const send = (m: FromWorker) => port.postMessage(m)
/** progress messages at most this often */
const PROGRESS_MS = 100

async function enhance(m: Extract<ToWorker, { type: 'file' }>): Promise<void> {
  if (!model) {
    send({ type: 'failed', id: m.id, error: { name: 'Error', message: 'the worker has no model loaded' } })
    return
  }
  const abort = new AbortController()
  current = abort
  let last = 0
  try {
    const result = await enhanceWithModel(m.input, m.output, model, m.options, {
      signal: abort.signal,
      onProgress: (fraction) => {
        const now = performance.now()
        if (now - last < PROGRESS_MS && fraction < 1) return
        last = now
        send({ type: 'progress', id: m.id, fraction })
      }
    })
    send({ type: 'done', id: m.id, result })
  } catch (e) {
    if (e instanceof CancelledError || abort.signal.aborted) send({ type: 'cancelled', id: m.id })
    else send({ type: 'failed', id: m.id, error: errorInfo(e) })
  } finally {
    current = null
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'init':
      openModel(m.model).then(
        (loaded) => {
          model = loaded
          send({ type: 'ready', backend: activeBackend()?.backend ?? 'unknown' })
        },
        (e: unknown) => send({ type: 'init-failed', error: errorInfo(e) })
      )
      break
    case 'file':
      void enhance(m)
      break
    case 'cancel':
      current?.abort()
      break
  }
})
