import { Worker, type WorkerOptions } from 'node:worker_threads'
import { startWorker, workerUrl, type WorkerName } from '../engine/workerUrl.ts'

/**
 * Starts an engine worker. From the TypeScript sources (CLI via tsx, tests) on Node 20, `--import tsx/esm` in a
 * worker's execArgv registers the hooks too late for the worker's own entry ("Unknown file extension .ts"),
 * so the worker is started from a tiny bootstrap that registers tsx first and then imports the entry.
 * Built (electron-vite output) workers are plain .js and start directly.
 */
export function startEngineWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  const url = workerUrl(name)
  if (!url.pathname.endsWith('.ts')) return startWorker(name, options)
  const api = import.meta.resolve('tsx/esm/api')
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(code, { ...options, eval: true })
}
