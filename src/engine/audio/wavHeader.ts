/**
 * A small RIFF/RF64 WAVE header parser. It walks the chunk list with positioned reads, so a file of any
 * length is opened without reading its samples; the caller then reads the data chunk in blocks.
 * Supported encodings: integer PCM 8 (unsigned), 16, 24, 32 bit; IEEE float 32, 64 bit; both also inside
 * WAVE_FORMAT_EXTENSIBLE.
 */
import type { FileHandle } from 'node:fs/promises'
import { AudioFileError } from '../errors.ts'

export interface WavLayout {
  sampleRate: number
  channelCount: number
  bitsPerSample: number
  sampleFormat: 'int' | 'float'
  bytesPerFrame: number
  dataOffset: number
  frames: number
}

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3'
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  return buf.subarray(0, bytesRead)
}

function seconds(frames: number, rate: number): string {
  return `${(frames / rate).toFixed(2)} s`
}

/** Parses the header of an open WAV file; throws AudioFileError for anything it cannot read. */
export async function parseWavHeader(fh: FileHandle, file: string, fileSize: number): Promise<WavLayout> {
  const riff = await readAt(fh, 0, 12)
  const tag = riff.toString('latin1', 0, 4)
  if (riff.length < 12 || (tag !== 'RIFF' && tag !== 'RF64') || riff.toString('latin1', 8, 12) !== 'WAVE') {
    throw new AudioFileError(file, 'not a WAV file (no RIFF/WAVE header)')
  }
  let pos = 12
  let fmt: Buffer | null = null
  let ds64DataSize: number | null = null
  while (pos + 8 <= fileSize) {
    const head = await readAt(fh, pos, 8)
    if (head.length < 8) break
    const id = head.toString('latin1', 0, 4)
    const size = head.readUInt32LE(4)
    const body = pos + 8
    if (id === 'ds64') {
      const ds = await readAt(fh, body, Math.min(size, 28))
      if (ds.length >= 16) ds64DataSize = Number(ds.readBigUInt64LE(8))
    } else if (id === 'fmt ') {
      if (size < 16) throw new AudioFileError(file, `damaged WAV header: the format chunk is ${size} bytes, expected at least 16`)
      fmt = await readAt(fh, body, Math.min(size, 40))
      if (fmt.length < 16) throw new AudioFileError(file, 'the file is truncated inside its WAV header')
    } else if (id === 'data') {
      if (!fmt) throw new AudioFileError(file, "damaged WAV header: the audio data comes before the 'fmt ' chunk")
      const layout = describeFormat(fmt, file)
      const available = fileSize - body
      let declared = size
      if (tag === 'RF64' && size === 0xffffffff && ds64DataSize !== null) declared = ds64DataSize
      // Writers streaming to a pipe cannot patch the size: ffmpeg leaves 0xFFFFFFFF, sox 0x7FFFF000, an interrupted
      // recorder 0. Then the data runs to the end of the file.
      const unknownSize = tag === 'RIFF' && (size === 0xffffffff || size === 0x7ffff000 || (size === 0 && available >= layout.bytesPerFrame))
      let bytes = declared
      if (unknownSize) bytes = available
      else if (declared > available) {
        const promised = Math.floor(declared / layout.bytesPerFrame)
        const present = Math.floor(available / layout.bytesPerFrame)
        throw new AudioFileError(
          file,
          `the file is truncated: its header promises ${seconds(promised, layout.sampleRate)} of audio but only ${seconds(present, layout.sampleRate)} is present`
        )
      }
      return { ...layout, dataOffset: body, frames: Math.floor(bytes / layout.bytesPerFrame) }
    }
    pos = body + size + (size % 2)
  }
  if (!fmt) throw new AudioFileError(file, "the file is truncated or damaged: no WAV 'fmt ' chunk found")
  throw new AudioFileError(file, 'the file is truncated or damaged: no WAV audio data chunk found')
}

function describeFormat(fmt: Buffer, file: string): Omit<WavLayout, 'dataOffset' | 'frames'> {
  let code = fmt.readUInt16LE(0)
  const channelCount = fmt.readUInt16LE(2)
  const sampleRate = fmt.readUInt32LE(4)
  const bitsPerSample = fmt.readUInt16LE(14)
  if (code === 0xfffe) {
    if (fmt.length < 26) throw new AudioFileError(file, 'damaged WAV header: WAVE_FORMAT_EXTENSIBLE without its sub-format')
    code = fmt.readUInt16LE(24)
  }
  if (channelCount < 1) throw new AudioFileError(file, 'damaged WAV header: it says the file has 0 channels')
  if (sampleRate < 1) throw new AudioFileError(file, 'damaged WAV header: it says the sample rate is 0 Hz')
  let sampleFormat: 'int' | 'float'
  if (code === 1) {
    if (![8, 16, 24, 32].includes(bitsPerSample)) {
      throw new AudioFileError(file, `unsupported WAV sample size: ${bitsPerSample}-bit integer (8, 16, 24 and 32 bit are supported)`)
    }
    sampleFormat = 'int'
  } else if (code === 3) {
    if (bitsPerSample !== 32 && bitsPerSample !== 64) {
      throw new AudioFileError(file, `unsupported WAV sample size: ${bitsPerSample}-bit float (32 and 64 bit are supported)`)
    }
    sampleFormat = 'float'
  } else {
    const name = FORMAT_NAMES[code] ?? `format code 0x${code.toString(16).padStart(4, '0')}`
    throw new AudioFileError(file, `unsupported WAV encoding: ${name}; convert it to PCM or float WAV, FLAC, MP3, Ogg Vorbis or Opus`)
  }
  return { sampleRate, channelCount, bitsPerSample, sampleFormat, bytesPerFrame: (bitsPerSample / 8) * channelCount }
}

/**
 * Converts interleaved WAV bytes to one Float32Array per channel. Returns the index of the first frame holding
 * a NaN or infinite sample, or -1.
 */
export function decodeWavSamples(bytes: Buffer, layout: WavLayout, frames: number, out: Float32Array[], outOffset: number): number {
  const { channelCount: nc, bitsPerSample: bits, sampleFormat } = layout
  const step = bits / 8
  let bad = -1
  if ((bits === 16 || (bits === 32 && sampleFormat === 'float')) && bytes.byteOffset % step === 0) {
    const view = bits === 16 ? new Int16Array(bytes.buffer, bytes.byteOffset, frames * nc) : new Float32Array(bytes.buffer, bytes.byteOffset, frames * nc)
    const scale = bits === 16 ? 1 / 32768 : 1
    for (let c = 0; c < nc; c++) {
      const o = out[c]
      for (let i = 0, k = c; i < frames; i++, k += nc) o[outOffset + i] = view[k] * scale
    }
    if (sampleFormat === 'float') {
      for (let k = 0; k < frames * nc; k++) {
        if (!Number.isFinite(view[k])) return Math.floor(k / nc)
      }
    }
    return -1
  }
  let p = 0
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nc; c++) {
      let v: number
      if (sampleFormat === 'float') {
        v = bits === 32 ? bytes.readFloatLE(p) : bytes.readDoubleLE(p)
        if (!Number.isFinite(v) && bad < 0) bad = i
      } else if (bits === 16) v = bytes.readInt16LE(p) / 32768
      else if (bits === 24) v = bytes.readIntLE(p, 3) / 8388608
      else if (bits === 32) v = bytes.readInt32LE(p) / 2147483648
      else v = (bytes[p] - 128) / 128
      out[c][outOffset + i] = v
      p += step
    }
  }
  return bad
}
