/** Encodes audio as an in-memory 16-bit PCM WAV file (for display and playback in the renderer). */
export function encodeWav16(channels: Float32Array[], sampleRate: number): Uint8Array {
  const nch = channels.length
  const frames = nch ? channels[0].length : 0
  const dataBytes = frames * nch * 2
  const buf = new ArrayBuffer(44 + dataBytes)
  const v = new DataView(buf)
  const ascii = (off: number, s: string): void => {
    for (let i = 0; i < s.length; i++) v.setUint8(off + i, s.charCodeAt(i))
  }
  ascii(0, 'RIFF')
  v.setUint32(4, 36 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 1, true)
  v.setUint16(22, nch, true)
  v.setUint32(24, sampleRate, true)
  v.setUint32(28, sampleRate * nch * 2, true)
  v.setUint16(32, nch * 2, true)
  v.setUint16(34, 16, true)
  ascii(36, 'data')
  v.setUint32(40, dataBytes, true)
  const out = new Int16Array(buf, 44, frames * nch)
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = Math.max(-1, Math.min(1, channels[c][i]))
      out[i * nch + c] = Math.round(x < 0 ? x * 0x8000 : x * 0x7fff)
    }
  }
  return new Uint8Array(buf)
}
