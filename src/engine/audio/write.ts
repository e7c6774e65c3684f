/**
 * WAV writing: 16-bit PCM (TPDF-dithered), 24-bit PCM, 32-bit float. Everything goes to a temp file in the
 * destination folder; commit() patches the sizes in the header and renames it into place, so a reader never
 * sees a partial file and an aborted job leaves nothing behind.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { AudioFileError } from '../errors.ts'
import type { AudioData, WavFormat } from './types.ts'

export interface WavWriter {
  write(channels: Float32Array[]): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}

const BYTES: Record<WavFormat, number> = { pcm16: 2, pcm24: 3, float32: 4 }
const MAX_DATA_BYTES = 0xffffffff - 1024

/** Deterministic uniform [0, 1) generator (mulberry32): the same input always writes the same bytes. */
function uniform(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface HeaderLayout {
  header: Buffer
  riffSizeAt: number
  dataSizeAt: number
  factAt: number | null
}

function buildHeader(sampleRate: number, channelCount: number, format: WavFormat): HeaderLayout {
  const bytes = BYTES[format]
  const isFloat = format === 'float32'
  // integer PCM with more than 2 channels uses WAVE_FORMAT_EXTENSIBLE (channel mask); float stays plain format 3 as sox writes it
  const extensible = channelCount > 2 && !isFloat
  const fmtSize = extensible ? 40 : isFloat ? 18 : 16
  const hasFact = isFloat
  const size = 12 + 8 + fmtSize + (hasFact ? 12 : 0) + 8
  const h = Buffer.alloc(size)
  h.write('RIFF', 0, 'latin1')
  h.write('WAVE', 8, 'latin1')
  h.write('fmt ', 12, 'latin1')
  h.writeUInt32LE(fmtSize, 16)
  h.writeUInt16LE(extensible ? 0xfffe : isFloat ? 3 : 1, 20)
  h.writeUInt16LE(channelCount, 22)
  h.writeUInt32LE(sampleRate, 24)
  h.writeUInt32LE(sampleRate * channelCount * bytes, 28)
  h.writeUInt16LE(channelCount * bytes, 32)
  h.writeUInt16LE(bytes * 8, 34)
  if (fmtSize >= 18) h.writeUInt16LE(fmtSize - 18, 36)
  if (extensible) {
    h.writeUInt16LE(bytes * 8, 38)
    h.writeUInt32LE(channelCount <= 18 ? 2 ** channelCount - 1 : 0, 40)
    // sub-format GUID {0000000X-0000-0010-8000-00AA00389B71}
    h.writeUInt16LE(isFloat ? 3 : 1, 44)
    Buffer.from([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(h, 46)
  }
  let at = 20 + fmtSize
  let factAt: number | null = null
  if (hasFact) {
    h.write('fact', at, 'latin1')
    h.writeUInt32LE(4, at + 4)
    factAt = at + 8
    at += 12
  }
  h.write('data', at, 'latin1')
  return { header: h, riffSizeAt: 4, dataSizeAt: at + 4, factAt }
}

function encode(channels: Float32Array[], format: WavFormat, rand: () => number): Buffer {
  const nc = channels.length
  const n = channels[0].length
  const out = Buffer.alloc(n * nc * BYTES[format])
  if (format === 'float32') {
    const f = new Float32Array(out.buffer, out.byteOffset, n * nc)
    for (let c = 0; c < nc; c++) for (let i = 0, k = c; i < n; i++, k += nc) f[k] = channels[c][i]
    return out
  }
  if (format === 'pcm16') {
    const s = new Int16Array(out.buffer, out.byteOffset, n * nc)
    for (let i = 0, k = 0; i < n; i++) {
      for (let c = 0; c < nc; c++, k++) {
        // TPDF dither: the difference of two uniform variables, +-1 LSB peak
        const v = Math.round(channels[c][i] * 32768 + rand() - rand())
        s[k] = v > 32767 ? 32767 : v < -32768 ? -32768 : v
      }
    }
    return out
  }
  for (let i = 0, p = 0; i < n; i++) {
    for (let c = 0; c < nc; c++, p += 3) {
      const v = Math.round(channels[c][i] * 8388608)
      out.writeIntLE(v > 8388607 ? 8388607 : v < -8388608 ? -8388608 : v, p, 3)
    }
  }
  return out
}

/** Opens a temp file beside `path`; nothing appears at `path` until commit(). */
export async function createWavWriter(
  path: string,
  o: { sampleRate: number; channelCount: number; format: WavFormat }
): Promise<WavWriter> {
  if (!Number.isInteger(o.sampleRate) || o.sampleRate < 1) throw new RangeError(`invalid sample rate ${o.sampleRate}`)
  if (!Number.isInteger(o.channelCount) || o.channelCount < 1 || o.channelCount > 64) throw new RangeError(`invalid channel count ${o.channelCount}`)
  if (!(o.format in BYTES)) throw new RangeError(`unknown WAV format '${o.format}'`)
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  let fh: FileHandle
  try {
    fh = await open(tmp, 'wx')
  } catch (e) {
    throw new AudioFileError(path, `cannot be written: ${e instanceof Error ? e.message : String(e)}`)
  }
  const layout = buildHeader(o.sampleRate, o.channelCount, o.format)
  const rand = uniform(0x5eed1234)
  let pos = 0
  let dataBytes = 0
  let frames = 0
  let state: 'open' | 'done' = 'open'
  let chain: Promise<unknown> = Promise.resolve()

  const writeAll = async (buf: Buffer) => {
    let off = 0
    while (off < buf.length) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off, pos)
      off += bytesWritten
      pos += bytesWritten
    }
  }
  const failed = async (e: unknown): Promise<never> => {
    await abort()
    if (e instanceof AudioFileError || e instanceof RangeError) throw e
    throw new AudioFileError(path, `cannot be written: ${e instanceof Error ? e.message : String(e)}`)
  }
  const abort = async () => {
    if (state === 'done') return
    state = 'done'
    await fh.close().catch(() => undefined)
    await unlink(tmp).catch(() => undefined)
  }
  // serialise writes so concurrent callers cannot interleave blocks
  const queued = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f)
    chain = p.catch(() => undefined)
    return p
  }
  await writeAll(layout.header).catch(failed)

  return {
    write: (channels) =>
      queued(async () => {
        if (state !== 'open') throw new Error(`${path}: the writer is already committed or aborted`)
        if (channels.length !== o.channelCount) {
          return failed(new RangeError(`${path}: expected ${o.channelCount} channels, got ${channels.length}`))
        }
        const n = channels[0].length
        for (const ch of channels) {
          if (ch.length !== n) return failed(new RangeError(`${path}: channels of one block differ in length`))
          for (let i = 0; i < n; i++) {
            if (!Number.isFinite(ch[i])) return failed(new AudioFileError(path, 'the audio to write contains NaN or infinite samples'))
          }
        }
        const buf = encode(channels, o.format, rand)
        if (dataBytes + buf.length > MAX_DATA_BYTES) return failed(new AudioFileError(path, 'the output would exceed the 4 GB WAV size limit'))
        await writeAll(buf).catch(failed)
        dataBytes += buf.length
        frames += n
      }),
    commit: () =>
      queued(async () => {
        if (state !== 'open') throw new Error(`${path}: the writer is already committed or aborted`)
        try {
          if (dataBytes % 2 === 1) await writeAll(Buffer.alloc(1))
          const patch = Buffer.alloc(4)
          patch.writeUInt32LE(pos - 8, 0)
          await fh.write(patch, 0, 4, layout.riffSizeAt)
          patch.writeUInt32LE(dataBytes, 0)
          await fh.write(patch, 0, 4, layout.dataSizeAt)
          if (layout.factAt !== null) {
            patch.writeUInt32LE(frames, 0)
            await fh.write(patch, 0, 4, layout.factAt)
          }
          await fh.sync()
          await fh.close()
          state = 'done'
          await rename(tmp, path)
        } catch (e) {
          state = 'open'
          await failed(e)
        }
      }),
    abort: () => queued(abort)
  }
}

/** Writes a whole signal atomically. */
export async function writeWav(path: string, audio: AudioData, format: WavFormat): Promise<void> {
  const w = await createWavWriter(path, { sampleRate: audio.sampleRate, channelCount: audio.channels.length, format })
  try {
    const n = audio.channels[0]?.length ?? 0
    const step = 1 << 16
    for (let s = 0; s < n; s += step) await w.write(audio.channels.map((ch) => ch.subarray(s, Math.min(n, s + step))))
    await w.commit()
  } catch (e) {
    await w.abort()
    throw e
  }
}
