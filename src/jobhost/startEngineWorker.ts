import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { startWorker } from '../engine/workerUrl.ts'

/**
 * Starts the job worker. Built (electron-vite output), it is out/main/jobWorker.js and starts directly.
 * From the TypeScript sources (CLI via bin/dulcet.mjs, tests) two things get in the way on Node 20:
 * `--import tsx/esm` in a worker's execArgv registers too late for the worker's own entry ("Unknown file
 * extension .ts"), and under tsx's tsImport module URLs carry a `?tsx-namespace=` query, so workerUrl()
 * takes the source for the build. Here the worker is a bootstrap that registers tsx, then imports the entry.
 */
export function startEngineWorker(name: 'jobWorker', options: WorkerOptions = {}): Worker {
  const own = new URL(import.meta.url)
  if (!own.pathname.endsWith('.ts')) return startWorker(name, options)
  own.search = ''
  const entry = new URL('./jobWorker.ts', own).href
  const api = createRequire(fileURLToPath(own)).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(code, { ...options, eval: true })
}
