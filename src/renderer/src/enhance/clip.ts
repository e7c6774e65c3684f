import { decodeWav } from '../lib/decodeWav.ts'
import type { DecodedWav } from '../lib/wavParse.ts'

/** A clip ready to show: the WAV bytes (played through a Blob URL) and their decoded samples (drawn). */
export interface LoadedClip {
  name: string
  path: string
  bytes: Uint8Array
  wav: DecodedWav
}

export async function loadClip(path: string, bytes: Uint8Array): Promise<LoadedClip> {
  const wav = await decodeWav(bytes)
  return { name: path.split(/[\\/]/).pop() ?? path, path, bytes, wav }
}
