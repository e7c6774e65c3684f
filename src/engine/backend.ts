import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'

/** Our names for the TensorFlow.js backends, best first. */
export const BACKENDS = ['gpu', 'node', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKENDS)[number]

export interface SkippedBackend {
  backend: BackendName
  /** Why it was not taken, in plain words (e.g. "tfjs-node-gpu is not installed"). */
  reason: string
  /** What the user can do about it, when there is something. */
  fix?: string
}

export interface BackendInfo {
  backend: BackendName
  /** The tfjs backend name actually active ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string
  /** True when DULCET_BACKEND (or an explicit option) chose the backend. */
  forced: boolean
  /** The better backends that were not taken, and why. */
  skipped: SkippedBackend[]
}

const require = createRequire(import.meta.url)
let active: BackendInfo | undefined

export function isBackendName(x: string): x is BackendName {
  return (BACKENDS as readonly string[]).includes(x)
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e)
}

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string | undefined> {
  try {
    require(pkg)
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === 'MODULE_NOT_FOUND') return `${pkg} is not installed`
    return `${pkg} failed to load: ${errorText(e)}`
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialise`
  return undefined
}

function wasmDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/')
}

async function tryWasm(dir?: string): Promise<string | undefined> {
  try {
    setWasmPaths(dir ?? wasmDir())
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise'
    return undefined
  } catch (e) {
    return `the wasm backend failed: ${errorText(e)}`
  }
}

async function tryBackend(name: BackendName, opts: InitOptions): Promise<string | undefined> {
  switch (name) {
    case 'gpu':
      return tryNative('@tensorflow/tfjs-node-gpu')
    case 'node':
      return tryNative('@tensorflow/tfjs-node')
    case 'wasm':
      return tryWasm(opts.wasmDir)
    case 'cpu':
      return (await tf.setBackend('cpu')) ? undefined : 'the cpu backend did not initialise'
  }
}

export interface InitOptions {
  /** Force one backend; defaults to the DULCET_BACKEND environment variable. */
  force?: BackendName
  /** Folder holding the tfjs wasm binaries (packaged apps ship them as extra resources). */
  wasmDir?: string
}

/**
 * Chooses the best available backend: tfjs-node-gpu, then tfjs-node, then wasm, then cpu.
 * Idempotent within a process (a tfjs instance has one active backend).
 */
export async function initBackend(opts: InitOptions = {}): Promise<BackendInfo> {
  if (active) return active
  const env = process.env.DULCET_BACKEND
  if (!opts.force && env && !isBackendName(env)) {
    throw new Error(`DULCET_BACKEND=${env} is not a backend; use one of ${BACKENDS.join(', ')}`)
  }
  const force = opts.force ?? (env as BackendName | undefined)
  const skipped: SkippedBackend[] = []
  const order: readonly BackendName[] = force ? [force] : BACKENDS
  for (const name of order) {
    const reason = await tryBackend(name, opts)
    if (reason === undefined) {
      await tf.ready()
      active = { backend: name, tfBackend: tf.getBackend(), forced: force !== undefined, skipped }
      return active
    }
    if (force) throw new Error(`DULCET_BACKEND=${force} was asked for, but ${reason}`)
    skipped.push({ backend: name, reason })
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => s.reason).join('; ')}`)
}

export function activeBackend(): BackendInfo | undefined {
  return active
}
