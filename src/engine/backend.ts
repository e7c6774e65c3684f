import { createRequire } from 'node:module'
import { delimiter, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import {
  explainLoadFailure,
  explainNoGpuDevice,
  explainNotInstalled,
  type Explanation,
  type NativePackage
} from './nativeBackendHelp.ts'
import { wasmDir as defaultWasmDir } from './paths.ts'
import { registerWasmConvGradients } from './wasmConvGrad.ts'

// Importing the backend module is enough for conv weights to train on wasm.
registerWasmConvGradients()

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

export interface InitOptions {
  /** Force one backend; defaults to the DULCET_BACKEND environment variable. */
  force?: BackendName
  /** Folder holding the tfjs wasm binaries; defaults to paths.wasmDir() (resources/tfjs-wasm in a packaged app). */
  wasmDir?: string
  /**
   * Folders searched first (node_modules lookup starts there) for @tensorflow/tfjs-node-gpu and
   * @tensorflow/tfjs-node, before Dulcet's own location. Defaults to DULCET_NATIVE_MODULE_PATHS
   * (a PATH-style list), which lets a user keep the native packages outside the app.
   */
  resolveFrom?: string[]
}

// Not named `require`: electron-vite injects a top-level `require` shim into ESM bundles.
const nodeRequire = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
const platform = { platform: process.platform, arch: process.arch }
let active: BackendInfo | undefined
/** Set when tfjs-node-gpu loaded without a GPU: its 'tensorflow' backend still runs on the CPU, as 'node'. */
let nativeCpuFrom: NativePackage | undefined

export function isBackendName(x: string): x is BackendName {
  return (BACKENDS as readonly string[]).includes(x)
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e)
}

function searchPaths(opts: InitOptions): string[] {
  const env = process.env.DULCET_NATIVE_MODULE_PATHS
  const extra = opts.resolveFrom ?? (env ? env.split(delimiter).filter((p) => p.length > 0) : [])
  return [...extra, here]
}

function isModuleNotFound(e: unknown): boolean {
  return (e as { code?: string }).code === 'MODULE_NOT_FOUND'
}

/** Loads a native package; returns why it cannot be used, or undefined once the 'tensorflow' backend is active. */
async function tryNative(pkg: NativePackage, opts: InitOptions): Promise<Explanation | undefined> {
  let file: string
  try {
    file = nodeRequire.resolve(pkg, { paths: searchPaths(opts) })
  } catch (e) {
    return isModuleNotFound(e) ? explainNotInstalled(pkg, platform) : explainLoadFailure(pkg, e, platform)
  }
  try {
    nodeRequire(file)
  } catch (e) {
    return explainLoadFailure(pkg, e, platform)
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return {
      reason: `${pkg} loaded, but it registered its backend with another copy of @tensorflow/tfjs`,
      fix: `install ${pkg} in the same folder as Dulcet (\`npm install ${pkg}\` there), so both share one @tensorflow/tfjs`
    }
  }
  if (!(await tf.setBackend('tensorflow'))) return { reason: `${pkg} loaded but its TensorFlow backend did not initialise` }
  return undefined
}

async function tryGpu(opts: InitOptions): Promise<Explanation | undefined> {
  const failed = await tryNative('@tensorflow/tfjs-node-gpu', opts)
  if (failed) return failed
  if ((tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true) return undefined
  nativeCpuFrom = '@tensorflow/tfjs-node-gpu'
  return explainNoGpuDevice(platform)
}

async function tryNodeCpu(opts: InitOptions): Promise<Explanation | undefined> {
  // tfjs-node and tfjs-node-gpu cannot both load; a GPU package without a GPU already gives native CPU speed.
  if (nativeCpuFrom && (await tf.setBackend('tensorflow'))) return undefined
  return tryNative('@tensorflow/tfjs-node', opts)
}

async function tryWasm(dir: string | undefined): Promise<Explanation | undefined> {
  const folder = dir ?? defaultWasmDir()
  const fix = `the tfjs wasm binaries in ${folder} are missing or damaged: reinstall Dulcet (from a checkout: \`npm install\`)`
  try {
    setWasmPaths(folder)
    if (!(await tf.setBackend('wasm'))) return { reason: `the wasm backend did not initialise from ${folder}`, fix }
    return undefined
  } catch (e) {
    return { reason: `the wasm backend failed: ${errorText(e)}`, fix }
  }
}

async function tryBackend(name: BackendName, opts: InitOptions): Promise<Explanation | undefined> {
  switch (name) {
    case 'gpu':
      return tryGpu(opts)
    case 'node':
      return tryNodeCpu(opts)
    case 'wasm':
      return tryWasm(opts.wasmDir)
    case 'cpu':
      return (await tf.setBackend('cpu')) ? undefined : { reason: 'the cpu backend did not initialise' }
  }
}

function chosenForce(opts: InitOptions): BackendName | undefined {
  if (opts.force !== undefined) {
    if (!isBackendName(opts.force)) throw new Error(`${String(opts.force)} is not a backend; use one of ${BACKENDS.join(', ')}`)
    return opts.force
  }
  const env = process.env.DULCET_BACKEND
  if (env === undefined || env === '') return undefined
  if (!isBackendName(env)) throw new Error(`DULCET_BACKEND=${env} is not a backend; use one of ${BACKENDS.join(', ')}`)
  return env
}

/**
 * Chooses the best available backend: tfjs-node-gpu (with a GPU), then native TensorFlow on the CPU, then wasm,
 * then cpu. Idempotent within a process (a tfjs instance has one active backend).
 * Throws when a forced backend (DULCET_BACKEND or opts.force) cannot start, with the reason and the fix.
 */
export async function initBackend(opts: InitOptions = {}): Promise<BackendInfo> {
  if (active) return active
  const force = chosenForce(opts)
  const skipped: SkippedBackend[] = []
  const order: readonly BackendName[] = force ? [force] : BACKENDS
  for (const name of order) {
    const failed = await tryBackend(name, opts)
    if (failed === undefined) {
      await tf.ready()
      active = { backend: name, tfBackend: tf.getBackend(), forced: force !== undefined, skipped }
      return active
    }
    if (force) {
      const fix = failed.fix ? ` To fix: ${failed.fix}.` : ''
      throw new Error(`DULCET_BACKEND=${force} was asked for, but ${failed.reason}.${fix}`)
    }
    skipped.push({ backend: name, ...failed })
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => s.reason).join('; ')}`)
}

export function activeBackend(): BackendInfo | undefined {
  return active
}

export { registerWasmConvGradients }
