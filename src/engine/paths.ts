import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where Dulcet finds its files, both from the repository (tsx on src/, or the electron-vite build in out/) and from a
 * packaged app. In a packaged app the Electron main process sets DULCET_RESOURCES to process.resourcesPath (and
 * DULCET_USER_DATA to app.getPath('userData')); worker threads and child processes inherit both.
 *
 * Packaged layout (electron-builder.yml extraResources):
 *   <resources>/models/<name>/   enhancer models (models/default is the bundled one)
 *   <resources>/examples/        example clips
 *   <resources>/tfjs-wasm/       the tfjs wasm binaries (*.wasm)
 */

const WASM_MARKER = 'tfjs-backend-wasm-simd.wasm'

/**
 * The folder holding Dulcet's resources (models/, examples/, tfjs-wasm/ in a packaged app).
 * Found without DULCET_RESOURCES too: inside a packaged app this module lives in <resources>/app.asar/out/main/...;
 * from a checkout (src/engine/, out/main/ or an out/main/chunks/ bundle) the repository's resources/ is used.
 */
export function resourcesDir(): string {
  const env = process.env.DULCET_RESOURCES
  if (env && existsSync(env)) return env
  const here = dirname(fileURLToPath(import.meta.url))
  const asar = here.lastIndexOf(`${sep}app.asar`)
  if (asar >= 0) return here.slice(0, asar)
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return join(dir, 'resources')
    if (dirname(dir) === dir) break
  }
  // src/engine/ and out/main/ are both two levels below the repository root.
  return fileURLToPath(new URL('../../resources/', import.meta.url))
}

/** Enhancer models shipped with the app. */
export function modelsDir(): string {
  return join(resourcesDir(), 'models')
}

/** The bundled default enhancer model. */
export function defaultModelDir(): string {
  return join(modelsDir(), 'default')
}

/** Example clips shipped with the app. */
export function examplesDir(): string {
  return join(resourcesDir(), 'examples')
}

/**
 * The folder holding the tfjs wasm binaries, with a trailing separator (what setWasmPaths wants).
 * A packaged app ships them in <resources>/tfjs-wasm/ (outside the asar, so they are plain files);
 * otherwise they are read from the installed @tensorflow/tfjs-backend-wasm package.
 */
export function wasmDir(): string {
  const shipped = join(resourcesDir(), 'tfjs-wasm')
  if (existsSync(join(shipped, WASM_MARKER))) return join(shipped, '/')
  const fromHere = createRequire(import.meta.url)
  return join(dirname(fromHere.resolve('@tensorflow/tfjs-backend-wasm')), '/')
}

/**
 * Per-user data (trained runs, user models, settings). DULCET_USER_DATA wins (the app sets it to Electron's
 * userData folder); otherwise the same place Electron uses for an app named "Dulcet".
 */
export function userDataDir(): string {
  const env = process.env.DULCET_USER_DATA
  if (env) return env
  const home = homedir()
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Dulcet')
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Dulcet')
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Dulcet')
  }
}
