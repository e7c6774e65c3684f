/** probeAudio / readAudio / readAudioBlocks: one entry point for every supported format. */
import { open, type FileHandle } from 'node:fs/promises'
import { AudioFileError } from '../errors.ts'
import { decodeCompressed, decodedLengthProblem, flacStreamInfo } from './compressedRead.ts'
import { flacHeaderInfo, oggHeaderInfo } from './compressedProbe.ts'
import { sniffContainer } from './detect.ts'
import { parseWavHeader, type WavLayout } from './wavHeader.ts'
import { readWavFrames } from './wavRead.ts'
import { matchingWavFormat, type AudioContainer, type AudioData, type AudioFileInfo } from './types.ts'

const NO_SAMPLES = 'contains no audio samples (zero length)'

function openProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'file not found'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied: the file cannot be read'
  if (code === 'EISDIR') return 'is a folder, not an audio file'
  return `cannot be read: ${e instanceof Error ? e.message : String(e)}`
}

interface Opened {
  fh: FileHandle
  container: AudioContainer
  wav: WavLayout | null
}

async function openAudio(path: string): Promise<Opened> {
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch (e) {
    throw new AudioFileError(path, openProblem(e))
  }
  try {
    const st = await fh.stat()
    if (st.isDirectory()) throw new AudioFileError(path, 'is a folder, not an audio file')
    if (st.size === 0) throw new AudioFileError(path, 'the file is empty (0 bytes)')
    const sniffed = await sniffContainer(fh)
    if (!sniffed.container) throw new AudioFileError(path, `unsupported format: the file looks like ${sniffed.looksLike}`)
    const wav = sniffed.container === 'wav' ? await parseWavHeader(fh, path, st.size) : null
    return { fh, container: sniffed.container, wav }
  } catch (e) {
    await fh.close()
    if (e instanceof AudioFileError) throw e
    throw new AudioFileError(path, openProblem(e))
  }
}

function wavInfo(path: string, w: WavLayout): AudioFileInfo {
  return {
    path,
    container: 'wav',
    sampleRate: w.sampleRate,
    channelCount: w.channelCount,
    frames: w.frames,
    bitDepth: w.bitsPerSample,
    sampleFormat: w.sampleFormat,
    wavFormat: matchingWavFormat(w.sampleFormat, w.bitsPerSample)
  }
}

type Compressed = Exclude<AudioContainer, 'wav'>

async function declaredLength(fh: FileHandle, container: Compressed): Promise<{ bitDepth: number | null; totalFrames: number }> {
  if (container !== 'flac') return { bitDepth: null, totalFrames: 0 }
  const head = Buffer.alloc(8192)
  const { bytesRead } = await fh.read(head, 0, head.length, 0)
  return flacStreamInfo(head.subarray(0, bytesRead)) ?? { bitDepth: null, totalFrames: 0 }
}

function checkLength(path: string, container: Compressed, frames: number, declared: number, rate: number): void {
  const problem = decodedLengthProblem(container, frames, declared, rate)
  if (problem) throw new AudioFileError(path, problem)
}

async function compressedInfo(path: string, fh: FileHandle, container: Compressed): Promise<AudioFileInfo> {
  const sampleFormat = container === 'flac' ? 'int' : 'compressed'
  // the header gives the length without decoding (a truncated file is then found when it is read)
  const size = (await fh.stat()).size
  const fromHeader = container === 'flac' ? await flacHeaderInfo(fh) : container === 'mp3' ? null : await oggHeaderInfo(fh, size, container)
  if (fromHeader) return { path, container, ...fromHeader, sampleFormat, wavFormat: matchingWavFormat(sampleFormat, fromHeader.bitDepth) }
  const { bitDepth, totalFrames } = await declaredLength(fh, container)
  let frames = 0
  let sampleRate = 0
  let channelCount = 0
  for await (const chunk of decodeCompressed(path, container)) {
    sampleRate = chunk.sampleRate
    channelCount = chunk.channels.length
    frames += chunk.channels[0].length
  }
  checkLength(path, container, frames, totalFrames, sampleRate)
  return { path, container, sampleRate, channelCount, frames, bitDepth, sampleFormat, wavFormat: matchingWavFormat(sampleFormat, bitDepth) }
}

/**
 * Describes an audio file (format, rate, channels, length) from its header; MP3 (and FLAC/Ogg whose header lacks
 * the length) is decoded to count its frames. A truncated compressed file is reported when it is read.
 */
export async function probeAudio(path: string): Promise<AudioFileInfo> {
  const o = await openAudio(path)
  try {
    if (o.wav) {
      if (o.wav.frames === 0) throw new AudioFileError(path, NO_SAMPLES)
      return wavInfo(path, o.wav)
    }
    return await compressedInfo(path, o.fh, o.container as Compressed)
  } finally {
    await o.fh.close()
  }
}

function concat(parts: Float32Array[][], channelCount: number, frames: number): Float32Array[] {
  const out = Array.from({ length: channelCount }, () => new Float32Array(frames))
  let at = 0
  for (const p of parts) {
    for (let c = 0; c < channelCount; c++) out[c].set(p[c], at)
    at += p[0].length
  }
  return out
}

const WAV_READ_FRAMES = 1 << 16

/** Decodes a whole file. WAV is read straight into the output arrays (no second copy of the file in memory). */
export async function readAudio(path: string): Promise<AudioData & { info: AudioFileInfo }> {
  const o = await openAudio(path)
  try {
    if (o.wav) {
      const w = o.wav
      if (w.frames === 0) throw new AudioFileError(path, NO_SAMPLES)
      const channels = Array.from({ length: w.channelCount }, () => new Float32Array(w.frames))
      for (let start = 0; start < w.frames; start += WAV_READ_FRAMES) {
        await readWavFrames(o.fh, path, w, start, Math.min(WAV_READ_FRAMES, w.frames - start), channels, start)
      }
      return { sampleRate: w.sampleRate, channels, info: wavInfo(path, w) }
    }
    const container = o.container as Compressed
    const { bitDepth, totalFrames } = await declaredLength(o.fh, container)
    const parts: Float32Array[][] = []
    let frames = 0
    let sampleRate = 0
    for await (const chunk of decodeCompressed(path, container)) {
      parts.push(chunk.channels)
      frames += chunk.channels[0].length
      sampleRate = chunk.sampleRate
    }
    checkLength(path, container, frames, totalFrames, sampleRate)
    const channelCount = parts[0].length
    const sampleFormat = container === 'flac' ? 'int' : 'compressed'
    const info: AudioFileInfo = {
      path,
      container,
      sampleRate,
      channelCount,
      frames,
      bitDepth,
      sampleFormat,
      wavFormat: matchingWavFormat(sampleFormat, bitDepth)
    }
    return { sampleRate, channels: concat(parts, channelCount, frames), info }
  } finally {
    await o.fh.close()
  }
}

/**
 * Yields consecutive blocks of `frames` frames (the last may be shorter), one Float32Array per channel.
 * Memory stays bounded by the block size: WAV is read from disk block by block, compressed formats are decoded
 * as a stream.
 */
export async function* readAudioBlocks(path: string, frames: number): AsyncGenerator<Float32Array[]> {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`block size must be a positive integer, got ${frames}`)
  const o = await openAudio(path)
  try {
    if (o.wav) {
      const w = o.wav
      if (w.frames === 0) throw new AudioFileError(path, NO_SAMPLES)
      for (let start = 0; start < w.frames; start += frames) {
        const n = Math.min(frames, w.frames - start)
        const block = Array.from({ length: w.channelCount }, () => new Float32Array(n))
        await readWavFrames(o.fh, path, w, start, n, block, 0)
        yield block
      }
      return
    }
    const container = o.container as Compressed
    const { totalFrames } = await declaredLength(o.fh, container)
    let block: Float32Array[] = []
    let fill = 0
    let total = 0
    let rate = 0
    for await (const chunk of decodeCompressed(path, container)) {
      rate = chunk.sampleRate
      const n = chunk.channels[0].length
      if (block.length === 0) block = chunk.channels.map(() => new Float32Array(frames))
      for (let off = 0; off < n; ) {
        const take = Math.min(frames - fill, n - off)
        for (let c = 0; c < block.length; c++) block[c].set(chunk.channels[c].subarray(off, off + take), fill)
        fill += take
        off += take
        if (fill === frames) {
          yield block
          block = chunk.channels.map(() => new Float32Array(frames))
          fill = 0
        }
      }
      total += n
    }
    checkLength(path, container, total, totalFrames, rate)
    if (fill > 0) yield block.map((ch) => ch.slice(0, fill))
  } finally {
    await o.fh.close()
  }
}
