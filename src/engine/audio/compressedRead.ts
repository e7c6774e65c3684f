/** FLAC, MP3, Ogg Vorbis and Opus through `audio-decode` (wasm decoders), streamed from disk in chunks. */
import { createReadStream } from 'node:fs'
import { decodeChunked } from 'audio-decode'
import { AudioFileError } from '../errors.ts'
import type { AudioContainer } from './types.ts'

const DECODER: Record<Exclude<AudioContainer, 'wav'>, 'flac' | 'mp3' | 'oga' | 'opus'> = {
  flac: 'flac',
  mp3: 'mp3',
  ogg: 'oga',
  opus: 'opus'
}

const NAMES: Record<Exclude<AudioContainer, 'wav'>, string> = { flac: 'FLAC', mp3: 'MP3', ogg: 'Ogg Vorbis', opus: 'Opus' }

export interface DecodedChunk {
  sampleRate: number
  channels: Float32Array[]
}

/** Yields decoded chunks as they come; throws AudioFileError on a decoder failure or a non-finite sample. */
export async function* decodeCompressed(path: string, container: Exclude<AudioContainer, 'wav'>): AsyncGenerator<DecodedChunk> {
  const stream = createReadStream(path, { highWaterMark: 1 << 16 })
  let framesSoFar = 0
  let rate = 0
  let channelCount = 0
  try {
    for await (const chunk of decodeChunked(stream, DECODER[container])) {
      const channels = chunk.channelData
      if (channels.length === 0 || channels[0].length === 0) continue
      if (rate === 0) {
        rate = chunk.sampleRate
        channelCount = channels.length
      } else if (chunk.sampleRate !== rate || channels.length !== channelCount) {
        throw new AudioFileError(path, `the ${NAMES[container]} stream changes its sample rate or channel count part-way, which Dulcet does not support`)
      }
      for (const ch of channels) {
        for (let i = 0; i < ch.length; i++) {
          if (!Number.isFinite(ch[i])) {
            throw new AudioFileError(path, `contains invalid samples (NaN or infinity) at ${((framesSoFar + i) / rate).toFixed(3)} s`)
          }
        }
      }
      framesSoFar += channels[0].length
      yield { sampleRate: chunk.sampleRate, channels }
    }
  } catch (e) {
    if (e instanceof AudioFileError) throw e
    const msg = e instanceof Error ? e.message : String(e)
    throw new AudioFileError(path, `could not decode the ${NAMES[container]} data (damaged or not really ${NAMES[container]}): ${msg}`)
  } finally {
    stream.destroy()
  }
}

/** FLAC STREAMINFO: bits per sample and total frames (0 = unknown). The head starts at 'fLaC' or an ID3 tag before it. */
export function flacStreamInfo(head: Buffer): { bitDepth: number; totalFrames: number } | null {
  const at = head.indexOf('fLaC', 0, 'latin1')
  if (at < 0 || head.length < at + 8 + 18) return null
  const si = at + 8
  // STREAMINFO from byte 10: sample rate (20 bits), channels-1 (3), bits-1 (5), total samples (36)
  const bitDepth = (((head[si + 12] & 0x01) << 4) | (head[si + 13] >> 4)) + 1
  const totalFrames = (head[si + 13] & 0x0f) * 2 ** 32 + head.readUInt32BE(si + 14)
  return { bitDepth, totalFrames }
}

/** Problem text for a compressed file that decoded to fewer frames than it declares, or to none. */
export function decodedLengthProblem(container: Exclude<AudioContainer, 'wav'>, frames: number, declared: number, rate: number): string | null {
  if (frames === 0) return `no audio could be decoded from this ${NAMES[container]} file: it is damaged or holds no samples`
  if (declared > 0 && frames < declared) {
    return `the file is truncated: its header promises ${(declared / rate).toFixed(2)} s of audio but only ${(frames / rate).toFixed(2)} s could be decoded`
  }
  return null
}
