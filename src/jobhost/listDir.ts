import { readdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, extname, join, resolve } from 'node:path'
import { AUDIO_EXTENSIONS } from '../engine/audio/types.ts'
import type { DirListing } from '../protocol/schemas.ts'

/** A folder's entries for the web host's file browser: folders first, then files, by name; hidden ones left out. */
export async function listDir(path?: string): Promise<DirListing> {
  const dir = resolve(path && path.length > 0 ? path : homedir())
  const dirents = await readdir(dir, { withFileTypes: true })
  const entries: DirListing['entries'] = []
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue
    const full = join(dir, d.name)
    let isDir = d.isDirectory()
    let size: number | undefined
    if (d.isSymbolicLink() || d.isFile()) {
      try {
        const s = await stat(full)
        isDir = s.isDirectory()
        if (s.isFile()) size = s.size
      } catch {
        continue // a broken link
      }
    }
    if (!isDir && size === undefined) continue // sockets, devices
    const audio = !isDir && AUDIO_EXTENSIONS.includes(extname(d.name).toLowerCase())
    entries.push({ name: d.name, path: full, kind: isDir ? 'dir' : 'file', audio, ...(size !== undefined ? { size } : {}) })
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
  const parent = dirname(dir)
  return { path: dir, parent: parent === dir ? null : parent, entries }
}
