/** Atomic writes for the run folder: a temp file or folder beside the target, then a rename. */
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export function tempSibling(path: string): string {
  return join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`)
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = tempSibling(path)
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}

/**
 * Fills a temp folder through `fill`, then renames it to `dir`. An existing `dir` is replaced only
 * after the new one is complete (moved aside, then deleted), so a crash never leaves a half folder.
 */
export async function writeDirAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true })
  const tmp = tempSibling(dir)
  try {
    await mkdir(tmp)
    await fill(tmp)
    let old: string | undefined
    try {
      await rename(tmp, dir)
    } catch (e) {
      const code = (e as { code?: string }).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e
      old = tempSibling(dir)
      await rename(dir, old)
      await rename(tmp, dir)
    }
    if (old) await rm(old, { recursive: true, force: true })
  } catch (e) {
    await rm(tmp, { recursive: true, force: true })
    throw e
  }
}
