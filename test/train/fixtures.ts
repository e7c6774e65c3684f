/** Small training folders cut from the shared dev set (real speech, gl32 as the "synthetic" side). */
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const DEV = resolve(import.meta.dirname, '../../../shared/data/speech-dev')

export interface Folders {
  root: string
  synthetic: string
  real: string
}

/** `n` clips (the first n by name) from gl32 and clean, in nested sub-folders to exercise recursion. */
export async function devFolders(n: number, o: { synthetic?: string } = {}): Promise<Folders> {
  const root = await mkdtemp(join(tmpdir(), 'dulcet-train-'))
  const synthetic = join(root, 'synthetic')
  const real = join(root, 'real')
  const names = (await readdir(join(DEV, 'clean'))).filter((f) => f.endsWith('.wav')).sort().slice(0, n)
  for (const [i, name] of names.entries()) {
    const sub = i % 2 === 0 ? 'a' : join('b', 'c')
    await mkdir(join(synthetic, sub), { recursive: true })
    await mkdir(join(real, sub), { recursive: true })
    await copyFile(join(DEV, o.synthetic ?? 'gl32', name), join(synthetic, sub, name))
    await copyFile(join(DEV, 'clean', name), join(real, sub, name))
  }
  return { root, synthetic, real }
}

/** Adds a file that has an audio extension but is not audio. */
export async function addBrokenFile(dir: string, name = 'broken.wav'): Promise<string> {
  const p = join(dir, name)
  await writeFile(p, 'this is not a wav file')
  return p
}
