#!/usr/bin/env node
// Offline packaging check: builds the unpacked Linux app with electron-builder from electron-builder.yml and reports
// its layout and size. The Electron binary cannot be downloaded here, so electron-builder packs a stand-in Electron
// folder (`electron` stub, version, LICENSE, resources/); everything Dulcet adds (app.asar, unpacked natives,
// extraResources) is real. Needs `npm run build` first (out/).
// Usage: node scripts/package-check.mjs [--report <file.json>]   (the report as JSON, for test/packaging)
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { makeIcons } from './make-icons.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const outDir = join(root, 'release', 'package-check')
const reportArg = process.argv.indexOf('--report')
const reportFile = reportArg > 0 ? process.argv[reportArg + 1] : undefined
const log = (msg) => process.stdout.write(`${msg}\n`)

async function standInElectron(dir) {
  const { version } = JSON.parse(await readFile(require.resolve('electron/package.json'), 'utf8'))
  await rm(dir, { recursive: true, force: true })
  await mkdir(join(dir, 'resources'), { recursive: true })
  await writeFile(join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron from scripts/package-check.mjs: not runnable" >&2\nexit 1\n')
  await chmod(join(dir, 'electron'), 0o755)
  await writeFile(join(dir, 'version'), version)
  await writeFile(join(dir, 'LICENSE'), 'Stand-in for the Electron distribution (MIT) in the offline packaging check.\n')
  await writeFile(join(dir, 'LICENSES.chromium.html'), '<html><body>stand-in</body></html>\n')
  return version
}

async function sizeOf(path) {
  const s = await stat(path)
  if (!s.isDirectory()) return s.size
  let total = 0
  for (const e of await readdir(path)) total += await sizeOf(join(path, e))
  return total
}

async function listFiles(dir) {
  const out = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)))
  }
  return out.sort()
}

/**
 * Loads every production dependency from the packed app.asar (extracted) and trains one conv step with tfjs on wasm
 * from resources/tfjs-wasm: proves the file exclusions left what Node needs. Runs in plain Node, as Electron's
 * main process and workers load the same modules.
 */
async function smokeTest(resources, asar) {
  // Outside the repository, so that nothing resolves from the repository's own node_modules.
  const dir = await mkdtemp(join(tmpdir(), 'dulcet-asar-'))
  asar.extractAll(join(resources, 'app.asar'), dir)
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
  const deps = Object.keys(pkg.dependencies ?? {}).filter((d) => d !== 'tsx')
  const wasmDir = join(resources, 'tfjs-wasm', '/')
  const code = `
    for (const d of ${JSON.stringify(deps)}) await import(d)
    const tf = await import('@tensorflow/tfjs')
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm')
    setWasmPaths(${JSON.stringify(wasmDir)})
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start')
    const x = tf.randomNormal([1, 64, 1]); const w = tf.variable(tf.randomNormal([5, 1, 2]))
    const y = tf.conv1d(x, w, 1, 'same').sum().dataSync()[0]
    if (!Number.isFinite(y)) throw new Error('conv1d gave ' + y)
    process.stdout.write(JSON.stringify({ deps: ${deps.length}, backend: tf.getBackend() }))`
  const { execFileSync } = await import('node:child_process')
  const run = (source) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
  try {
    const result = run(code)
    if (existsSync(join(dir, 'out', 'main', 'batchWorker.js'))) result.batchWorker = run(batchWorkerCode(dir, resources))
    if (existsSync(join(dir, 'out', 'main', 'jobWorker.js'))) result.jobWorker = run(jobWorkerCode(dir, resources))
    return result
  } catch (e) {
    throw new Error(`the packed app cannot load its modules: ${String(e.stderr ?? e.message).trim().split('\n').slice(0, 6).join(' | ')}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function workerScript(file, resources, workerData, request, isAnswer) {
  const env = { DULCET_RESOURCES: resources }
  return `
    import { Worker } from 'node:worker_threads'
    const w = new Worker(new URL(${JSON.stringify(file)}), {
      execArgv: [], workerData: ${JSON.stringify(workerData)}, env: { ...process.env, ...${JSON.stringify(env)} }
    })
    w.on('error', (e) => { console.error('worker error: ' + e.message); process.exit(2) })
    w.on('exit', (c) => { console.error('worker exited with ' + c); process.exit(2) })
    w.on('message', (m) => {
      if (!(${isAnswer})(m)) return
      process.stdout.write(JSON.stringify(m))
      process.exit(0)
    })
    w.postMessage(${JSON.stringify(request)})`
}

/**
 * The packed batch worker (out/main/batchWorker.js), started as the app does with the app's resources, loads the
 * bundled default model: it answers 'ready' (or 'init-failed' naming the model folder when none is bundled).
 */
function batchWorkerCode(dir, resources) {
  const file = pathToFileURL(join(dir, 'out', 'main', 'batchWorker.js')).href
  const init = { type: 'init', model: join(resources, 'models', 'default') }
  return workerScript(file, resources, null, init, "(m) => m.type === 'ready' || m.type === 'init-failed'")
}

/** The packed engine worker in service mode chooses its TensorFlow.js backend (wasm from resources/tfjs-wasm here). */
function jobWorkerCode(dir, resources) {
  const file = pathToFileURL(join(dir, 'out', 'main', 'jobWorker.js')).href
  return workerScript(file, resources, { mode: 'service' }, { id: 1, task: 'backendInfo' }, '(m) => m.id === 1')
}

const mb = (n) => Math.round((n / 1048576) * 10) / 10

export async function packageCheck() {
  for (const need of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    if (!existsSync(join(root, need))) throw new Error(`${need} is missing: run \`npm run build\` first`)
  }
  await makeIcons()
  const electronDist = join(outDir, 'electron-dist')
  const electronVersion = await standInElectron(electronDist)
  const { build, Platform } = await import('electron-builder')
  const started = Date.now()
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    config: {
      // electron-builder.yml is read as usual; `extends: null` stops it looking for a preset.
      extends: null,
      electronDist,
      electronVersion,
      directories: { output: relative(root, outDir) }
    }
  })
  const app = join(outDir, 'linux-unpacked')
  const resources = join(app, 'resources')
  const asar = await import('@electron/asar')
  const asarFiles = asar.listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) => f.replace(/^[\\/]/, '').split('\\').join('/'))
  const unpackedDir = join(resources, 'app.asar.unpacked')
  const report = {
    seconds: Math.round((Date.now() - started) / 100) / 10,
    electronVersion,
    appDir: relative(root, app),
    sizeMB: {
      total: mb(await sizeOf(app)),
      standInElectron: mb(await sizeOf(electronDist)),
      appAsar: mb((await stat(join(resources, 'app.asar'))).size),
      asarUnpacked: existsSync(unpackedDir) ? mb(await sizeOf(unpackedDir)) : 0,
      extraResources: mb(
        (await Promise.all(['models', 'examples', 'tfjs-wasm'].map((d) => (existsSync(join(resources, d)) ? sizeOf(join(resources, d)) : 0)))).reduce((a, b) => a + b, 0)
      )
    },
    asarFiles,
    unpackedFiles: existsSync(unpackedDir) ? await listFiles(unpackedDir) : [],
    resourceFiles: (await listFiles(resources)).filter((f) => !f.startsWith('app.asar')),
    smoke: await smokeTest(resources, asar)
  }
  return report
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const report = await packageCheck()
    if (reportFile) await writeFile(reportFile, JSON.stringify(report, null, 1))
    const s = report.sizeMB
    log(`unpacked app: ${report.appDir} (${report.seconds} s)`)
    log(`size: ${s.total} MB total = app.asar ${s.appAsar} MB + unpacked ${s.asarUnpacked} MB + resources ${s.extraResources} MB + stand-in Electron ${s.standInElectron} MB`)
    log(`app.asar: ${report.asarFiles.length} entries; resources: ${report.resourceFiles.join(', ')}`)
    log(`smoke test from the packed asar: ${report.smoke.deps} dependencies load, tfjs runs on ${report.smoke.backend}`)
    if (report.smoke.batchWorker) log(`packed batch worker answered: ${JSON.stringify(report.smoke.batchWorker)}`)
    if (report.smoke.jobWorker) log(`packed engine worker answered: ${JSON.stringify(report.smoke.jobWorker)}`)
  } catch (e) {
    console.error(`package check failed: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  }
}
