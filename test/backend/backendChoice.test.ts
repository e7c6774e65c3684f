import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendInfo } from '../../src/engine/backend.ts'

// Each case runs initBackend() in a fresh Node process (a tfjs instance picks its backend once).
const run = promisify(execFile)
const repo = resolve(import.meta.dirname, '../..')
const script = join(import.meta.dirname, 'chooseBackend.ts')
const tsx = join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs')

async function choose(env: Record<string, string>): Promise<{ code: number; info?: BackendInfo; stderr: string }> {
  const childEnv = { ...process.env, ...env }
  if (!('DULCET_BACKEND' in env)) delete childEnv.DULCET_BACKEND
  try {
    const { stdout, stderr } = await run(process.execPath, [tsx, script], { cwd: repo, env: childEnv })
    return { code: 0, info: JSON.parse(stdout) as BackendInfo, stderr }
  } catch (e) {
    const err = e as { code?: number; stderr?: string }
    return { code: err.code ?? -1, stderr: err.stderr ?? '' }
  }
}

/** A stand-in @tensorflow/tfjs-node-gpu whose load fails the way the real one does when cuDNN 8 is not installed. */
async function standInGpuPackage(dir: string): Promise<void> {
  const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu')
  await mkdir(pkg, { recursive: true })
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'index.js' }))
  // A real dlopen of the library TensorFlow's GPU build links against; absent here, so Node reports the loader's error.
  await writeFile(
    join(pkg, 'index.js'),
    `process.dlopen({ exports: {} }, 'libcudnn.so.8')\n` +
      `throw Object.assign(new Error('libcudnn.so.8: cannot open shared object file: No such file or directory'), { code: 'ERR_DLOPEN_FAILED' })\n`
  )
}

const localRequire = createRequire(join(repo, 'package.json'))
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']
function installedHere(pkg: string): boolean {
  try {
    localRequire.resolve(pkg)
    return true
  } catch {
    return false
  }
}

describe('backend choice', () => {
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'dulcet-backend-'))
    await standInGpuPackage(join(tmp, 'broken-gpu'))
    await mkdir(join(tmp, 'empty'))
  })
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true })
  })

  it('falls back to wasm when tfjs-node-gpu is installed but cuDNN is missing, saying what is missing and how to fix it', async () => {
    const r = await choose({ DULCET_NATIVE_MODULE_PATHS: join(tmp, 'broken-gpu') })
    expect(r.code, r.stderr).toBe(0)
    const info = r.info as BackendInfo
    expect(info.backend).toBe('wasm')
    expect(info.tfBackend).toBe('wasm')
    expect(info.forced).toBe(false)
    const gpu = info.skipped.find((s) => s.backend === 'gpu')
    expect(gpu?.reason).toMatch(/cuDNN 8 is missing \(libcudnn\.so\.8 not found\)/)
    expect(gpu?.fix).toMatch(/cuDNN 8\.1/)
    expect(gpu?.fix).toMatch(/LD_LIBRARY_PATH/)
  })

  it('reports a native package that is not installed as not installed, with the install command', async () => {
    const r = await choose({ DULCET_NATIVE_MODULE_PATHS: join(tmp, 'empty') })
    expect(r.code, r.stderr).toBe(0)
    const info = r.info as BackendInfo
    if (installedHere('@tensorflow/tfjs-node-gpu') || installedHere('@tensorflow/tfjs-node')) {
      expect(['gpu', 'node']).toContain(info.backend)
      return
    }
    expect(info.backend).toBe('wasm')
    expect(info.skipped.map((s) => s.backend)).toEqual(['gpu', 'node'])
    expect(info.skipped[0].reason).toMatch(/tfjs-node-gpu is not installed/)
    expect(info.skipped[0].fix).toMatch(/npm install @tensorflow\/tfjs-node-gpu/)
    expect(info.skipped[1].reason).toMatch(/tfjs-node .*is not installed/)
  })

  it('obeys DULCET_BACKEND=cpu', async () => {
    const r = await choose({ DULCET_BACKEND: 'cpu', DULCET_NATIVE_MODULE_PATHS: join(tmp, 'broken-gpu') })
    expect(r.code, r.stderr).toBe(0)
    expect(r.info).toMatchObject({ backend: 'cpu', tfBackend: 'cpu', forced: true, skipped: [] })
  })

  it('rejects a DULCET_BACKEND value that is not a backend, naming the valid ones', async () => {
    const r = await choose({ DULCET_BACKEND: 'cuda' })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('DULCET_BACKEND=cuda is not a backend; use one of gpu, node, wasm, cpu')
  })

  it('fails a forced gpu backend with the reason and the fix', async () => {
    const r = await choose({ DULCET_BACKEND: 'gpu', DULCET_NATIVE_MODULE_PATHS: join(tmp, 'broken-gpu') })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/DULCET_BACKEND=gpu was asked for, but .*cuDNN 8 is missing.* To fix: install cuDNN 8\.1/)
  })

  it('`dulcet info` prints the reason and the fix', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DULCET_NATIVE_MODULE_PATHS: join(tmp, 'broken-gpu') }
    delete env.DULCET_BACKEND
    const { stdout } = await run(process.execPath, [join(repo, 'bin', 'dulcet.mjs'), 'info'], { cwd: repo, env })
    expect(stdout).toMatch(/^backend: wasm \(tfjs 'wasm'\)/m)
    expect(stdout).toMatch(/not gpu: @tensorflow\/tfjs-node-gpu cannot load: cuDNN 8 is missing/)
    expect(stdout).toMatch(/fix: install cuDNN 8\.1 for CUDA 11\.x/)
  })
})

describe('wasm binaries from a packaged app', () => {
  let resources: string
  beforeAll(async () => {
    resources = await mkdtemp(join(tmpdir(), 'dulcet-resources-'))
    await mkdir(join(resources, 'tfjs-wasm'))
  })
  afterAll(async () => {
    await rm(resources, { recursive: true, force: true })
  })

  it('loads the wasm backend from <DULCET_RESOURCES>/tfjs-wasm', async () => {
    const shipped = join(localRequire.resolve('@tensorflow/tfjs-backend-wasm'), '..')
    for (const f of WASM_FILES) await copyFile(join(shipped, f), join(resources, 'tfjs-wasm', f))
    const r = await choose({ DULCET_RESOURCES: resources, DULCET_BACKEND: 'wasm' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.info).toMatchObject({ backend: 'wasm', tfBackend: 'wasm', forced: true })
  })

  it('uses that folder, not the npm package: damaged binaries there make wasm fail, naming the folder', async () => {
    for (const f of WASM_FILES) await writeFile(join(resources, 'tfjs-wasm', f), 'not wasm')
    const r = await choose({ DULCET_RESOURCES: resources, DULCET_BACKEND: 'wasm' })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`the wasm backend did not initialise from ${join(resources, 'tfjs-wasm', '/')}`)
    expect(r.stderr).toMatch(/reinstall Dulcet/)
  })
})
