import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultModelDir, examplesDir, resourcesDir, userDataDir, wasmDir } from '../../src/engine/paths.ts'

const repo = resolve(import.meta.dirname, '../..')
const saved = { res: process.env.DULCET_RESOURCES, user: process.env.DULCET_USER_DATA }

afterEach(() => {
  for (const [k, v] of [['DULCET_RESOURCES', saved.res], ['DULCET_USER_DATA', saved.user]] as const) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

describe('paths', () => {
  it('uses the repository resources from a checkout', () => {
    delete process.env.DULCET_RESOURCES
    expect(resolve(resourcesDir())).toBe(join(repo, 'resources'))
    expect(defaultModelDir()).toBe(join(repo, 'resources', 'models', 'default'))
    expect(examplesDir()).toBe(join(repo, 'resources', 'examples'))
    const wasm = wasmDir()
    expect(wasm.endsWith(sep)).toBe(true)
    expect(existsSync(join(wasm, 'tfjs-backend-wasm-simd.wasm'))).toBe(true)
  })

  it('uses DULCET_RESOURCES (process.resourcesPath in the app) for resources and the shipped wasm binaries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dulcet-paths-'))
    try {
      process.env.DULCET_RESOURCES = dir
      expect(defaultModelDir()).toBe(join(dir, 'models', 'default'))
      // No shipped binaries there: the npm package's are used.
      expect(wasmDir()).toContain('tfjs-backend-wasm')
      await mkdir(join(dir, 'tfjs-wasm'))
      await writeFile(join(dir, 'tfjs-wasm', 'tfjs-backend-wasm-simd.wasm'), '')
      expect(wasmDir()).toBe(join(dir, 'tfjs-wasm', sep))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('puts user data where DULCET_USER_DATA says, else in a per-user Dulcet folder', () => {
    process.env.DULCET_USER_DATA = '/data/dulcet-user'
    expect(userDataDir()).toBe('/data/dulcet-user')
    delete process.env.DULCET_USER_DATA
    expect(userDataDir()).toMatch(/Dulcet$/)
  })
})
