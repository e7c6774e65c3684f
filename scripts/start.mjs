// `npm start`: builds and opens Dulcet in Electron; where Electron cannot run, says so and points to the web host.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'

const require = createRequire(import.meta.url)
let electronPath
try {
  electronPath = require('electron')
} catch {
  electronPath = undefined
}
const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
const available = (override && existsSync(override)) || (typeof electronPath === 'string' && existsSync(electronPath))
if (!available) {
  console.error(
    'Electron is not available on this machine (its binary could not be downloaded).\n' +
      'Run Dulcet in your browser instead:  npm run web   (then open the printed http://127.0.0.1 address)'
  )
  process.exit(1)
}
const run = (args) => spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', args, { stdio: 'inherit' }).status ?? 1
const built = run(['electron-vite', 'build'])
if (built !== 0) process.exit(built)
process.exit(run(['electron-vite', 'preview']))
