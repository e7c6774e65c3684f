import { randomBytes } from 'node:crypto'
import { type FileHandle, open, readdir, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Marker in the names of the enhancer's temporary files, so a cancelled batch can find and remove its own leftovers. */
export const TEMP_MARK = '.dulcet-tmp-'

/** A temporary file name next to `target` (same folder, so it is on the same disk as the output). */
export function tempPathFor(target: string, ext: string): string {
  return join(dirname(target), `.${basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}${ext}`)
}

/**
 * True for the temporary files that belong to the output `target`: ours (tempPathFor) and the WAV writer's
 * (`.<name>.<pid>.<hex>.tmp`, see audio/write.ts).
 */
export function isTempFor(target: string, name: string): boolean {
  const prefix = `.${basename(target)}`
  if (!name.startsWith(prefix)) return false
  const rest = name.slice(prefix.length)
  return rest.startsWith(TEMP_MARK) || /^\.\d+\.[0-9a-f]+\.tmp$/.test(rest)
}

/** Removes every temporary file of the output `target` (after a worker was stopped before it could clean up). */
export async function removeTempsFor(target: string): Promise<void> {
  const names = await readdir(dirname(target)).catch(() => [] as string[])
  await Promise.all(names.filter((n) => isTempFor(target, n)).map((n) => rm(join(dirname(target), n), { force: true })))
}

/**
 * Spills processed samples to disk (interleaved float32) between the enhancer's two passes, so memory stays
 * bounded whatever the length. The file lives next to the output and is always removed by remove().
 */
export class TempSamples {
  private frames = 0

  private constructor(
    readonly path: string,
    readonly channels: number,
    private handle: FileHandle | null
  ) {}

  static async create(target: string, channels: number): Promise<TempSamples> {
    const path = tempPathFor(target, '.f32')
    return new TempSamples(path, channels, await open(path, 'wx+'))
  }

  get length(): number {
    return this.frames
  }

  async write(block: Float32Array[]): Promise<void> {
    if (!this.handle) throw new Error('temporary sample file is closed')
    const n = block[0].length
    const buf = new Float32Array(n * this.channels)
    for (let c = 0; c < this.channels; c++) {
      const x = block[c]
      for (let i = 0; i < n; i++) buf[i * this.channels + c] = x[i]
    }
    await this.handle.write(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))
    this.frames += n
  }

  /** Reads everything back in blocks of up to `frames` frames, one array per channel. */
  async *read(frames: number): AsyncGenerator<Float32Array[]> {
    if (!this.handle) throw new Error('temporary sample file is closed')
    const bytesPerFrame = 4 * this.channels
    for (let at = 0; at < this.frames; at += frames) {
      const n = Math.min(frames, this.frames - at)
      const buf = new Float32Array(n * this.channels)
      const { bytesRead } = await this.handle.read(new Uint8Array(buf.buffer), 0, buf.byteLength, at * bytesPerFrame)
      if (bytesRead !== buf.byteLength) throw new Error(`temporary sample file ${this.path} was cut short`)
      const out = Array.from({ length: this.channels }, () => new Float32Array(n))
      for (let c = 0; c < this.channels; c++) {
        const o = out[c]
        for (let i = 0; i < n; i++) o[i] = buf[i * this.channels + c]
      }
      yield out
    }
  }

  async remove(): Promise<void> {
    const h = this.handle
    this.handle = null
    await h?.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }
}
