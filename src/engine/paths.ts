import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder holding Dulcet's resources (models/, examples/).
 * DULCET_RESOURCES wins (the Electron main process sets it to process.resourcesPath in a packaged app, and
 * workers inherit it). Otherwise the repository's resources/: src/engine/ and out/main/ are both two levels down.
 */
export function resourcesDir(): string {
  const env = process.env.DULCET_RESOURCES
  if (env && existsSync(env)) return env
  return fileURLToPath(new URL('../../resources/', import.meta.url))
}

/** The bundled default enhancer model. */
export function defaultModelDir(): string {
  return join(resourcesDir(), 'models', 'default')
}
