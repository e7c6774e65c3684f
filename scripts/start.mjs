// `npm start`: builds and opens Dulcet in Electron; where Electron cannot run, says so and points to the web host.
// Electron downloads its binary on first use; this script does that download itself, quietly, so that a machine
// without internet access gets one clear message instead of a stack trace.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'))
  } catch {
    return undefined
  }
}

function binaryPresent(dir) {
  const pathFile = join(dir, 'path.txt')
  return existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))
}

function unavailable(reason) {
  console.error(
    `Electron is not available on this machine (${reason}).\n` +
      'Run Dulcet in your browser instead:  npm run web   (then open the printed http://127.0.0.1 address)'
  )
  process.exit(1)
}

const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
if (!(override && existsSync(override))) {
  const dir = electronDir()
  if (!dir) unavailable('the electron package is not installed: run `npm install`')
  if (!binaryPresent(dir)) {
    console.log('Downloading Electron (first start only, about 100 MB)...')
    const r = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8' })
    if (r.status !== 0) {
      const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim())
      const why = lines.find((l) => /error|failed|denied|ENOTFOUND|ECONN/i.test(l)) ?? `exit code ${r.status}`
      unavailable(`its binary could not be downloaded: ${why}`)
    }
  }
}

const run = (args) => spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', args, { stdio: 'inherit' }).status ?? 1
const built = run(['electron-vite', 'build'])
if (built !== 0) process.exit(built)
process.exit(run(['electron-vite', 'preview']))
