import { readdir } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import { AudioFileError } from '../errors.ts'
import { AUDIO_EXTENSIONS } from './types.ts'

/** Every audio file under `dir` (recursive), as sorted relative paths with '/' separators; hidden files skipped. */
export async function listAudioFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string) => {
    let entries
    try {
      entries = await readdir(d, { withFileTypes: true })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      const why = code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be listed: ${(e as Error).message}`
      throw new AudioFileError(d, why)
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else if (e.isFile() && AUDIO_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(relative(dir, p).split(sep).join('/'))
    }
  }
  await walk(dir)
  return out.sort()
}
