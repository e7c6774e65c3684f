// Parses the WAV bytes DulcetApi hands over (the engine writes pcm16 / pcm24 / float32, WAVE_FORMAT_EXTENSIBLE
// included) into float channels. Runs inside wavDecode.worker.ts so long files never block the UI thread.

export interface DecodedWav {
  sampleRate: number
  channels: Float32Array[]
  duration: number
  /** FNV-1a over the float samples: lets the UI (and its tests) tell two renderings apart cheaply. */
  hash: string
  peak: number
}

const PCM = 1
const FLOAT = 3
const EXTENSIBLE = 0xfffe

function fourcc(v: DataView, at: number): string {
  return String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3))
}

export function parseWav(bytes: ArrayBuffer): DecodedWav {
  const v = new DataView(bytes)
  if (bytes.byteLength < 12 || fourcc(v, 0) !== 'RIFF' || fourcc(v, 8) !== 'WAVE') throw new Error('not a RIFF/WAVE file')
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null
  let dataAt = -1
  let dataLen = 0
  for (let at = 12; at + 8 <= bytes.byteLength; ) {
    const id = fourcc(v, at)
    const len = v.getUint32(at + 4, true)
    const body = at + 8
    if (id === 'fmt ') {
      let format = v.getUint16(body, true)
      if (format === EXTENSIBLE && len >= 26) format = v.getUint16(body + 24, true)
      fmt = { format, channels: v.getUint16(body + 2, true), sampleRate: v.getUint32(body + 4, true), bits: v.getUint16(body + 14, true) }
    } else if (id === 'data') {
      dataAt = body
      dataLen = Math.min(len, bytes.byteLength - body)
      break
    }
    at = body + len + (len & 1)
  }
  if (!fmt) throw new Error('WAV has no fmt chunk')
  if (dataAt < 0) throw new Error('WAV has no data chunk')
  const { format, channels: nch, sampleRate, bits } = fmt
  if (nch < 1) throw new Error('WAV has no channels')
  const width = bits / 8
  if (!((format === PCM && [1, 2, 3, 4].includes(width)) || (format === FLOAT && (width === 4 || width === 8)))) {
    throw new Error(`unsupported WAV sample format (format ${format}, ${bits} bits)`)
  }
  const frames = Math.floor(dataLen / (width * nch))
  const channels = Array.from({ length: nch }, () => new Float32Array(frames))
  const read = sampleReader(v, format, width)
  let peak = 0
  for (let i = 0; i < frames; i++) {
    const base = dataAt + i * width * nch
    for (let c = 0; c < nch; c++) {
      const s = read(base + c * width)
      channels[c][i] = s
      const a = s < 0 ? -s : s
      if (a > peak) peak = a
    }
  }
  return { sampleRate, channels, duration: frames / sampleRate, hash: hashChannels(channels), peak }
}

function sampleReader(v: DataView, format: number, width: number): (at: number) => number {
  if (format === FLOAT) return width === 4 ? (at) => v.getFloat32(at, true) : (at) => v.getFloat64(at, true)
  switch (width) {
    case 1:
      return (at) => (v.getUint8(at) - 128) / 128
    case 2:
      return (at) => v.getInt16(at, true) / 32768
    case 3:
      return (at) => ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) / 8388608)
    default:
      return (at) => v.getInt32(at, true) / 2147483648
  }
}

export function hashChannels(channels: Float32Array[]): string {
  let h = 0x811c9dc5
  for (const ch of channels) {
    const u8 = new Uint8Array(ch.buffer, ch.byteOffset, ch.byteLength)
    for (let i = 0; i < u8.length; i++) {
      h ^= u8[i]
      h = Math.imul(h, 0x01000193)
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}
