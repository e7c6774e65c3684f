import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

// Runs the offline packaging check (electron-builder --linux dir with a stand-in Electron) on the current build
// (`npm test` builds before vitest) and checks what a user's installed app would contain.
const repo = resolve(import.meta.dirname, '../..')

interface Report {
  appDir: string
  sizeMB: { total: number; appAsar: number; asarUnpacked: number; extraResources: number }
  asarFiles: string[]
  unpackedFiles: string[]
  resourceFiles: string[]
  smoke: { deps: number; backend: string; batchWorker?: { type: string; backend?: string; error?: { name: string; dir?: string } }
    jobWorker?: { ok: boolean; result?: { backend: string; tfBackend: string } } }
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return []
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
}

function pngSize(buf: Buffer): [number, number] {
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG')
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)]
}

describe('packaged app (offline linux dir build)', () => {
  let report: Report
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dulcet-package-check-'))
    try {
      const file = join(dir, 'report.json')
      await promisify(execFile)(process.execPath, [join(repo, 'scripts', 'package-check.mjs'), '--report', file], {
        cwd: repo,
        maxBuffer: 64 * 1024 * 1024
      })
      report = JSON.parse(await readFile(file, 'utf8')) as Report
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('puts the whole electron-vite build in app.asar, without source maps or sources', async () => {
    const built = (await filesUnder(join(repo, 'out'))).filter((f) => !f.endsWith('.map')).map((f) => `out/${f}`)
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) expect(built).toContain(f)
    for (const f of built) expect(report.asarFiles).toContain(f)
    expect(report.asarFiles.filter((f) => f.endsWith('.map'))).toEqual([])
    expect(report.asarFiles.filter((f) => /^(src|test|bench|bin|resources|scripts)\//.test(f))).toEqual([])
    expect(report.asarFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
  })

  it('ships production dependencies only, with the unused tfjs bundles left out', () => {
    const packages = new Set(report.asarFiles.map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean))
    for (const dep of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'audio-decode', 'zod']) expect(packages).toContain(dep)
    for (const devOnly of ['electron', 'svelte', 'wavesurfer.js', 'chart.js', 'vitest', 'electron-builder', '@resvg/resvg-js', 'tsx', 'esbuild']) {
      expect(packages).not.toContain(devOnly)
    }
    const tfjsDist = report.asarFiles.filter((f) => /^node_modules\/@tensorflow\/tfjs[^/]*\/dist\//.test(f))
    expect(tfjsDist).toContain('node_modules/@tensorflow/tfjs/dist/tf.node.js')
    expect(tfjsDist.filter((f) => !f.endsWith('.node.js'))).toEqual([])
    expect(report.sizeMB.appAsar).toBeLessThan(60)
  })

  it('names the Linux executable and desktop entry dulcet', async () => {
    expect(existsSync(join(repo, report.appDir, 'dulcet'))).toBe(true)
    expect(report.asarFiles).toContain('package.json')
  })

  it('loads every production dependency from the packed asar and runs tfjs on wasm from resources/tfjs-wasm', () => {
    expect(report.smoke.backend).toBe('wasm')
    expect(report.smoke.deps).toBeGreaterThan(5)
  })

  it('starts the packed batch worker, which loads the bundled default model from resources/', () => {
    if (!existsSync(join(repo, 'out', 'main', 'batchWorker.js'))) {
      expect(report.smoke.batchWorker).toBeUndefined()
      return
    }
    const answer = report.smoke.batchWorker
    if (existsSync(join(repo, 'resources', 'models', 'default', 'model.json'))) {
      expect(answer).toMatchObject({ type: 'ready', backend: 'wasm' })
    } else {
      // No default model bundled yet: the worker still loaded all its modules and names the missing folder.
      expect(answer?.type).toBe('init-failed')
      expect(answer?.error?.name).toBe('ModelError')
      expect(answer?.error?.dir).toMatch(/resources[\\/]models[\\/]default$/)
    }
  })

  it('starts the packed engine worker, which picks wasm with the binaries from resources/tfjs-wasm', () => {
    if (!existsSync(join(repo, 'out', 'main', 'jobWorker.js'))) {
      expect(report.smoke.jobWorker).toBeUndefined()
      return
    }
    expect(report.smoke.jobWorker).toMatchObject({ ok: true, result: { backend: 'wasm', tfBackend: 'wasm' } })
  })

  it('ships models, examples and the tfjs wasm binaries as plain files in resources/', async () => {
    for (const w of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      expect(report.resourceFiles).toContain(`tfjs-wasm/${w}`)
    }
    const models = await filesUnder(join(repo, 'resources', 'models'))
    const examples = await filesUnder(join(repo, 'resources', 'examples'))
    expect(report.resourceFiles.filter((f) => f.startsWith('models/')).sort()).toEqual(models.map((f) => `models/${f}`).sort())
    expect(report.resourceFiles.filter((f) => f.startsWith('examples/')).sort()).toEqual(examples.map((f) => `examples/${f}`).sort())
    if (existsSync(join(repo, 'resources', 'models', 'default', 'model.json'))) expect(report.resourceFiles).toContain('models/default/model.json')
  })

  it('renders every icon from build/icon.svg: Linux PNG set, Windows ICO, macOS ICNS', async () => {
    for (const n of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(await readFile(join(repo, 'build', 'icons', `${n}x${n}.png`)))).toEqual([n, n])
    }
    const ico = await readFile(join(repo, 'build', 'icon.ico'))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1])
    const entries = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i] || 256)
    expect(entries).toContain(256)
    for (let i = 0; i < entries.length; i++) {
      const offset = ico.readUInt32LE(6 + 16 * i + 12)
      expect(pngSize(ico.subarray(offset))).toEqual([entries[i], entries[i]])
    }
    const icns = await readFile(join(repo, 'build', 'icon.icns'))
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const types: string[] = []
    for (let o = 8; o < icns.length; o += icns.readUInt32BE(o + 4)) types.push(icns.subarray(o, o + 4).toString('ascii'))
    expect(types).toEqual(expect.arrayContaining(['icp4', 'ic07', 'ic08', 'ic09', 'ic10']))
  })
})
