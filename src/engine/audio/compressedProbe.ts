/**
 * Header-only probing of FLAC (STREAMINFO) and Ogg Vorbis/Opus (identification header + the granule position of
 * the last page), so probing a long compressed file does not decode it. Returns null when the header does not
 * give the length (FLAC total 0, unusual Ogg layouts); the caller then decodes to count frames.
 */
import type { FileHandle } from 'node:fs/promises'
import { flacStreamInfo } from './compressedRead.ts'

export interface HeaderInfo {
  sampleRate: number
  channelCount: number
  frames: number
  bitDepth: number | null
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  return buf.subarray(0, bytesRead)
}

export async function flacHeaderInfo(fh: FileHandle): Promise<HeaderInfo | null> {
  const head = await readAt(fh, 0, 8192)
  const si = flacStreamInfo(head)
  const at = head.indexOf('fLaC', 0, 'latin1')
  // the first metadata block must be a 34-byte STREAMINFO (type 0)
  if (!si || si.totalFrames === 0 || at < 0 || (head[at + 4] & 0x7f) !== 0 || head.readUIntBE(at + 5, 3) !== 34) return null
  const b = at + 8
  const sampleRate = (head[b + 10] << 12) | (head[b + 11] << 4) | (head[b + 12] >> 4)
  const channelCount = ((head[b + 12] >> 1) & 0x07) + 1
  if (sampleRate === 0 || si.bitDepth < 4) return null
  return { sampleRate, channelCount, frames: si.totalFrames, bitDepth: si.bitDepth }
}

/** Granule position of the last page of the logical stream `serial`, or null. */
async function lastGranule(fh: FileHandle, size: number, serial: number): Promise<bigint | null> {
  const span = Math.min(size, 1 << 16)
  const tail = await readAt(fh, size - span, span)
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] === 0x4f && tail.toString('latin1', i, i + 4) === 'OggS' && tail.readUInt32LE(i + 14) === serial) {
      const g = tail.readBigInt64LE(i + 6)
      if (g >= 0n) return g
    }
  }
  return null
}

export async function oggHeaderInfo(fh: FileHandle, size: number, codec: 'ogg' | 'opus'): Promise<HeaderInfo | null> {
  const head = await readAt(fh, 0, 4096)
  if (head.length < 28 || head.toString('latin1', 0, 4) !== 'OggS') return null
  const serial = head.readUInt32LE(14)
  const p = 27 + head[26]
  const granule = await lastGranule(fh, size, serial)
  if (granule === null) return null
  if (codec === 'opus') {
    if (head.toString('latin1', p, p + 8) !== 'OpusHead' || head.length < p + 19) return null
    const channelCount = head[p + 9]
    const preSkip = head.readUInt16LE(p + 10)
    const frames = Number(granule) - preSkip
    return frames > 0 ? { sampleRate: 48000, channelCount, frames, bitDepth: null } : null
  }
  if (head.length < p + 16 || head.toString('latin1', p + 1, p + 7) !== 'vorbis') return null
  const channelCount = head[p + 11]
  const sampleRate = head.readUInt32LE(p + 12)
  const frames = Number(granule)
  return frames > 0 && sampleRate > 0 ? { sampleRate, channelCount, frames, bitDepth: null } : null
}
