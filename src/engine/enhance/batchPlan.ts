import { stat } from 'node:fs/promises'
import { extname, join, relative, resolve, sep } from 'node:path'
import { listAudioFiles } from '../audio/index.ts'
import { ConfigError } from '../errors.ts'

export interface BatchItem {
  /** relative to inDir, with '/' separators as listAudioFiles gives them */
  file: string
  /** relative to outDir */
  output: string
  inPath: string
  outPath: string
  /** input size in bytes: the weight of this file in progress and ETA */
  bytes: number
  /** set when the file cannot be enhanced safely (its output would overwrite an input) */
  refused?: string
}

/** Parses "i/n" (1-based). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!m) throw new ConfigError([`shard: expected i/n such as 1/4, got "${text}"`])
  const shard = { index: Number(m[1]), count: Number(m[2]) }
  checkShard(shard)
  return shard
}

export function checkShard(s: { index: number; count: number }): void {
  if (!Number.isInteger(s.count) || s.count < 1) throw new ConfigError([`shard: the count must be a whole number >= 1, got ${s.count}`])
  if (!Number.isInteger(s.index) || s.index < 1 || s.index > s.count) {
    throw new ConfigError([`shard: the index must be from 1 to ${s.count}, got ${s.index}`])
  }
}

/**
 * Files of shard i/n: file j (0-based) of the sorted relative paths belongs to shard (j mod n) + 1. Every
 * machine that sees the same folder makes the same split, and shards 1..n together hold every file once.
 */
export function shardFiles<T>(sorted: T[], shard?: { index: number; count: number }): T[] {
  if (!shard) return sorted
  checkShard(shard)
  return sorted.filter((_, j) => j % shard.count === shard.index - 1)
}

function stripExt(rel: string): string {
  const ext = extname(rel)
  return ext ? rel.slice(0, -ext.length) : rel
}

/**
 * Output names: the input's relative path with .wav as the extension. When two inputs would meet in one output
 * (a.mp3 and a.wav), the ones that are not .wav keep their extension: a.mp3.wav.
 */
export function outputNames(files: string[]): Map<string, string> {
  const byOut = new Map<string, string[]>()
  for (const f of files) {
    const key = `${stripExt(f)}.wav`.toLowerCase()
    byOut.set(key, [...(byOut.get(key) ?? []), f])
  }
  const names = new Map<string, string>()
  for (const f of files) {
    const clash = (byOut.get(`${stripExt(f)}.wav`.toLowerCase()) ?? []).length > 1
    const isWav = extname(f).toLowerCase() === '.wav'
    names.set(f, clash && !isWav ? `${f}.wav` : `${stripExt(f)}.wav`)
  }
  return names
}

function inside(child: string, parent: string): boolean {
  const r = relative(parent, child)
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && r !== '..')
}

/** Lists, names and shards the files of a batch; the output folder is left out when it lies inside the input folder. */
export async function planBatch(o: { inDir: string; outDir: string; shard?: { index: number; count: number } }): Promise<BatchItem[]> {
  const inDir = resolve(o.inDir)
  const outDir = resolve(o.outDir)
  const s = await stat(inDir).catch(() => null)
  if (!s) throw new ConfigError([`input folder ${inDir} does not exist`])
  if (!s.isDirectory()) throw new ConfigError([`input folder ${inDir} is not a folder`])
  if (inDir === outDir) throw new ConfigError([`the output folder is the input folder (${inDir}); choose another one so no input is overwritten`])
  let files = await listAudioFiles(inDir)
  if (inside(outDir, inDir)) {
    const skip = relative(inDir, outDir).split(sep).join('/') + '/'
    files = files.filter((f) => !f.startsWith(skip))
  }
  files = [...files].sort()
  const names = outputNames(files)
  const inputs = new Set(files.map((f) => join(inDir, f)))
  const mine = shardFiles(files, o.shard)
  return Promise.all(
    mine.map(async (file): Promise<BatchItem> => {
      const output = names.get(file) as string
      const inPath = join(inDir, file)
      const outPath = join(outDir, output)
      const bytes = (await stat(inPath).catch(() => null))?.size ?? 0
      const refused = inputs.has(outPath) ? `its output ${outPath} would overwrite an input file` : undefined
      return { file, output, inPath, outPath, bytes, ...(refused ? { refused } : {}) }
    })
  )
}
