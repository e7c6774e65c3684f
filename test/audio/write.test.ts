import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createWavWriter, readAudio, writeWav, type WavFormat } from '../../src/engine/audio/index.ts'
import { maxAbsDiff, sine } from './tone.ts'

let tmp = ''
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'dulcet-write-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true })
})

function noise(n: number, seed: number): Float32Array {
  let s = seed
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    x[i] = (s / 2 ** 32 - 0.5) * 1.6
  }
  return x
}

describe('WAV writer', () => {
  const signal = () => [sine(440, 16000, 0.5, 0.7), noise(8000, 7)]

  it.each<[WavFormat, number, number]>([
    // format, max error, expected bits in the header
    ['pcm16', 1.5 / 32768, 16], // rounding plus TPDF dither never moves a sample by more than 1.5 LSB
    ['pcm24', 0.5 / 8388608 + 1e-9, 24],
    ['float32', 0, 32]
  ])('%s round-trips within its precision', async (format, maxErr, bits) => {
    const x = signal()
    const p = path.join(tmp, `rt-${format}.wav`)
    await writeWav(p, { sampleRate: 16000, channels: x }, format)
    const back = await readAudio(p)
    expect(back.info.wavFormat).toBe(format)
    expect(back.info.bitDepth).toBe(bits)
    expect(back.sampleRate).toBe(16000)
    expect(back.channels).toHaveLength(2)
    x.forEach((ch, c) => expect(maxAbsDiff(ch, back.channels[c])).toBeLessThanOrEqual(maxErr))
  })

  it('pcm16 dither is TPDF: the error is unbiased, its power is that of rounding plus TPDF noise', async () => {
    const x = new Float32Array(32000).fill(0.25 / 32768) // a quarter LSB: plain rounding would give all zeros
    const p = path.join(tmp, 'dither.wav')
    await writeWav(p, { sampleRate: 16000, channels: [x] }, 'pcm16')
    const y = (await readAudio(p)).channels[0]
    let mean = 0
    let power = 0
    for (let i = 0; i < y.length; i++) {
      const e = (y[i] - x[i]) * 32768
      mean += e / y.length
      power += (e * e) / y.length
    }
    expect(Math.abs(mean)).toBeLessThan(0.02) // the average output keeps the sub-LSB level
    // TPDF (+-1 LSB) adds 1/6 LSB^2, rounding 1/12 LSB^2: total 0.25 LSB^2 on average
    expect(power).toBeGreaterThan(0.2)
    expect(power).toBeLessThan(0.3)
  })

  it('clips out-of-range samples instead of wrapping around', async () => {
    const p = path.join(tmp, 'clip.wav')
    await writeWav(p, { sampleRate: 8000, channels: [Float32Array.from([1.5, -1.5, 1, -1])] }, 'pcm24')
    const y = (await readAudio(p)).channels[0]
    expect(y[0]).toBeCloseTo(1, 6)
    expect(y[1]).toBe(-1)
  })

  it('writes 6-channel files that read back per channel', async () => {
    const x = [300, 400, 500, 600, 700, 800].map((f) => sine(f, 16000, 0.1))
    const p = path.join(tmp, 'six.wav')
    await writeWav(p, { sampleRate: 16000, channels: x }, 'pcm24')
    const back = await readAudio(p)
    expect(back.channels).toHaveLength(6)
    x.forEach((ch, c) => expect(maxAbsDiff(ch, back.channels[c])).toBeLessThan(1e-6))
  })

  it('is atomic: nothing at the path until commit, an existing file kept until then, no temp file left', async () => {
    const p = path.join(tmp, 'atomic.wav')
    await writeFile(p, 'previous contents')
    const w = await createWavWriter(p, { sampleRate: 16000, channelCount: 1, format: 'pcm16' })
    await w.write([sine(440, 16000, 0.2)])
    expect(await readFile(p, 'utf8')).toBe('previous contents')
    await w.commit()
    expect((await readAudio(p)).info.frames).toBe(3200)
    expect((await readdir(tmp)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('abort leaves neither output nor temp file', async () => {
    const sub = await mkdtemp(path.join(tmp, 'abort-'))
    const p = path.join(sub, 'never.wav')
    const w = await createWavWriter(p, { sampleRate: 16000, channelCount: 2, format: 'float32' })
    await w.write([sine(440, 16000, 0.1), sine(880, 16000, 0.1)])
    await w.abort()
    expect(await readdir(sub)).toEqual([])
    await expect(w.write([new Float32Array(1), new Float32Array(1)])).rejects.toThrow(/already committed or aborted/)
  })

  it('refuses NaN samples and a wrong channel count, leaving nothing behind', async () => {
    const sub = await mkdtemp(path.join(tmp, 'nan-'))
    const p = path.join(sub, 'nan.wav')
    await expect(writeWav(p, { sampleRate: 16000, channels: [Float32Array.from([0, NaN])] }, 'pcm16')).rejects.toThrow(/NaN/)
    const w = await createWavWriter(p, { sampleRate: 16000, channelCount: 2, format: 'pcm16' })
    await expect(w.write([new Float32Array(4)])).rejects.toThrow(/expected 2 channels/)
    expect(await readdir(sub)).toEqual([])
  })

  it('a writer in a folder that does not exist fails naming the file', async () => {
    const p = path.join(tmp, 'no', 'such', 'dir.wav')
    await expect(createWavWriter(p, { sampleRate: 16000, channelCount: 1, format: 'pcm16' })).rejects.toThrow(p)
  })
})
