/**
 * The engine worker (worker_threads). workerData says which kind: one job (enhance, batch, train) whose
 * events stream to the JobHost, or the shared service worker answering short tasks by id.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toErrorInfo } from './errorInfo.ts'
import type { ServiceReply, ServiceRequest, WorkerData } from './messages.ts'
import { runJob } from './runJob.ts'
import { runServiceTask } from './serviceTasks.ts'

const port = parentPort
if (!port) throw new Error('jobWorker must run as a worker thread')
const data = workerData as WorkerData

if (data.mode === 'job') {
  await runJob(data.job, port)
} else {
  port.on('message', (req: ServiceRequest) => {
    runServiceTask(req).then(
      (result) => {
        const reply: ServiceReply = { id: req.id, ok: true, result }
        const wav = (result as { wav?: unknown } | undefined)?.wav
        port.postMessage(reply, wav instanceof Uint8Array ? [wav.buffer as ArrayBuffer] : [])
      },
      (e: unknown) => port.postMessage({ id: req.id, ok: false, error: toErrorInfo(e) } satisfies ServiceReply)
    )
  })
}
