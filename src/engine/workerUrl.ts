import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Worker entry files. From source (CLI through tsx, tests) they are .ts files next to their modules;
 * in the electron-vite build they are separate entries in out/main/ (see electron.vite.config.ts),
 * next to whichever bundle imported this module.
 */
const SOURCES = {
  jobWorker: '../jobhost/jobWorker.ts',
  batchWorker: './enhance/batchWorker.ts'
} as const

export type WorkerName = keyof typeof SOURCES

// Under tsx's tsImport, module URLs carry a `?tsx-namespace=` query: look at the path only.
const own = new URL(import.meta.url)
own.search = ''
const fromSource = own.pathname.endsWith('.ts')

export function workerUrl(name: WorkerName): URL {
  return fromSource ? new URL(SOURCES[name], own) : new URL(`./${name}.js`, own)
}

/**
 * Starts an engine worker. From source on Node 20, `--import tsx/esm` in a worker's execArgv registers too
 * late for the worker's own entry ("Unknown file extension .ts"), so the worker is a small bootstrap that
 * registers tsx and then imports the entry.
 */
export function startWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  if (!fromSource) return new Worker(workerUrl(name), options)
  const api = createRequire(fileURLToPath(own)).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')
  const entry = workerUrl(name).href
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(code, { ...options, eval: true })
}
