// The renderer's WAV parser (src/renderer/src/lib/wavParse.ts, run in a Web Worker) against files written by the
// engine's own WAV writer in every format Dulcet produces, and against bad input.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAudio, writeWav, type WavFormat } from '../../src/engine/audio/index.ts'
import { hashChannels, parseWav } from '../../src/renderer/src/lib/wavParse.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dulcet-wavparse-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function sweep(n: number, rate: number, phase: number): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = 0.6 * Math.sin(phase + (2 * Math.PI * (200 + (i / n) * 3000) * i) / rate)
  return x
}

const TOLERANCE: Record<WavFormat, number> = { pcm16: 2 / 32768, pcm24: 2 / 8388608, float32: 0 }

describe('renderer WAV parser', () => {
  for (const format of ['pcm16', 'pcm24', 'float32'] as const) {
    it(`reads ${format} stereo as the engine's reader does`, async () => {
      const path = join(dir, `${format}.wav`)
      await writeWav(path, { sampleRate: 22050, channels: [sweep(5000, 22050, 0), sweep(5000, 22050, 1)] }, format)
      const bytes = await readFile(path)
      const wav = parseWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
      const ref = await readAudio(path)
      expect(wav.sampleRate).toBe(22050)
      expect(wav.channels.length).toBe(2)
      expect(wav.channels[0].length).toBe(5000)
      expect(wav.duration).toBeCloseTo(5000 / 22050, 9)
      for (let c = 0; c < 2; c++) {
        let worst = 0
        for (let i = 0; i < 5000; i++) worst = Math.max(worst, Math.abs(wav.channels[c][i] - ref.channels[c][i]))
        expect(worst).toBeLessThanOrEqual(TOLERANCE[format])
      }
      expect(wav.peak).toBeGreaterThan(0.55)
      expect(wav.peak).toBeLessThanOrEqual(0.61)
    })
  }

  it('hashes samples: equal audio gives equal hashes, a one-sample change a different one', () => {
    const a = sweep(1000, 16000, 0)
    const b = a.slice()
    expect(hashChannels([a])).toBe(hashChannels([b]))
    b[500] += 1e-3
    expect(hashChannels([a])).not.toBe(hashChannels([b]))
  })

  it('rejects what is not a WAV file, naming the problem', () => {
    const text = new TextEncoder().encode('this is a text file, not audio').buffer
    expect(() => parseWav(text)).toThrow(/not a RIFF\/WAVE file/)
    const header = new Uint8Array(12)
    header.set(new TextEncoder().encode('RIFF'), 0)
    header.set(new TextEncoder().encode('WAVE'), 8)
    expect(() => parseWav(header.buffer)).toThrow(/no fmt chunk/)
  })
})
