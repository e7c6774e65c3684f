/** Recognises an audio file by its first bytes (never by its extension). */
import type { FileHandle } from 'node:fs/promises'
import type { AudioContainer } from './types.ts'

export interface Sniffed {
  container: AudioContainer | null
  /** when container is null: what the bytes look like, in words */
  looksLike: string
}

function isMp3FrameSync(b: Buffer, i: number): boolean {
  // 11 sync bits, MPEG version not reserved, layer III/II/I not reserved
  return b.length > i + 1 && b[i] === 0xff && (b[i + 1] & 0xe0) === 0xe0 && (b[i + 1] & 0x18) !== 0x08 && (b[i + 1] & 0x06) !== 0
}

function describeUnknown(b: Buffer): string {
  const ascii = b.toString('latin1', 0, 4)
  if (ascii === 'FORM') return 'an AIFF file, which Dulcet does not read'
  if (b.length >= 8 && b.toString('latin1', 4, 8) === 'ftyp') return 'an MP4/M4A file, which Dulcet does not read'
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'a Matroska/WebM file, which Dulcet does not read'
  if (ascii === 'caff') return 'a CAF file, which Dulcet does not read'
  if (ascii === 'RIFF') return `a RIFF file of type '${b.toString('latin1', 8, 12)}', not WAVE audio`
  let printable = 0
  for (const x of b) if ((x >= 0x20 && x < 0x7f) || x === 0x0a || x === 0x0d || x === 0x09) printable++
  if (b.length > 0 && printable / b.length > 0.95) return 'a text file, not audio'
  return 'not a supported audio format'
}

export async function sniffContainer(fh: FileHandle): Promise<Sniffed> {
  const b = Buffer.alloc(4096)
  const { bytesRead } = await fh.read(b, 0, b.length, 0)
  const h = b.subarray(0, bytesRead)
  const tag = h.toString('latin1', 0, 4)
  if ((tag === 'RIFF' || tag === 'RF64') && h.toString('latin1', 8, 12) === 'WAVE') return { container: 'wav', looksLike: 'WAV' }
  if (tag === 'fLaC') return { container: 'flac', looksLike: 'FLAC' }
  if (tag === 'OggS') {
    // the first page carries the codec's identification header
    const segments = h[26] ?? 0
    const payload = 27 + segments
    const id = h.toString('latin1', payload, payload + 8)
    if (id === 'OpusHead') return { container: 'opus', looksLike: 'Ogg Opus' }
    if (id.slice(1, 7) === 'vorbis') return { container: 'ogg', looksLike: 'Ogg Vorbis' }
    if (id.slice(1, 5) === 'FLAC') return { container: null, looksLike: 'FLAC inside an Ogg container, which Dulcet does not read (use plain .flac)' }
    return { container: null, looksLike: 'an Ogg file with a codec Dulcet does not read (Vorbis and Opus are supported)' }
  }
  if (tag.slice(0, 3) === 'ID3') {
    // skip the ID3v2 tag; FLAC files sometimes carry one too
    const size = ((h[6] & 0x7f) << 21) | ((h[7] & 0x7f) << 14) | ((h[8] & 0x7f) << 7) | (h[9] & 0x7f)
    const after = 10 + size + ((h[5] & 0x10) !== 0 ? 10 : 0)
    const b2 = Buffer.alloc(4)
    await fh.read(b2, 0, 4, after)
    if (b2.toString('latin1') === 'fLaC') return { container: 'flac', looksLike: 'FLAC' }
    return { container: 'mp3', looksLike: 'MP3' }
  }
  if (isMp3FrameSync(h, 0) && (h[1] & 0x06) === 0x02) return { container: 'mp3', looksLike: 'MP3' }
  if (h.length === 0) return { container: null, looksLike: 'empty' }
  return { container: null, looksLike: describeUnknown(h) }
}
