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

const fromSource = import.meta.url.endsWith('.ts')

export function workerUrl(name: WorkerName): URL {
  return fromSource ? new URL(SOURCES[name], import.meta.url) : new URL(`./${name}.js`, import.meta.url)
}

/** Starts an engine worker; from source it loads tsx so the worker can import TypeScript. */
export function startWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  const execArgv = fromSource ? ['--import', import.meta.resolve('tsx/esm')] : []
  return new Worker(workerUrl(name), { ...options, execArgv: [...execArgv, ...(options.execArgv ?? [])] })
}
