import { describe, expect, it } from 'vitest'
import { resample, rms } from '../../src/engine/audio/index.ts'
import { dominantFrequency, maxAbsDiff, sine, toneAmplitude } from './tone.ts'

function middle(x: Float32Array): Float32Array {
  return x.subarray(Math.floor(x.length * 0.1), Math.floor(x.length * 0.9))
}

describe('resample (libsamplerate)', () => {
  it('44.1k -> 16k -> 44.1k gives back the same 1 kHz sine', async () => {
    const x = sine(1000, 44100, 0.5, 0.5)
    const down = await resample(x, 44100, 16000)
    expect(down).toHaveLength(Math.round((x.length * 16000) / 44100))
    expect(dominantFrequency(down, 16000)).toBeCloseTo(1000, 0)
    expect(toneAmplitude(down, 16000, 1000)).toBeCloseTo(0.5, 3)
    const back = await resample(down, 16000, 44100)
    expect(back).toHaveLength(x.length)
    // time-aligned: no delay between input and output
    expect(maxAbsDiff(middle(back), middle(x))).toBeLessThan(1e-3)
  })

  it('48k -> 16k keeps amplitude and frequency of in-band tones', async () => {
    for (const f of [100, 1000, 3000, 6500]) {
      const y = await resample(sine(f, 48000, 0.3, 0.5), 48000, 16000)
      expect(y).toHaveLength(4800)
      expect(dominantFrequency(y, 16000)).toBeCloseTo(f, 0)
      expect(Math.abs(toneAmplitude(y, 16000, f) - 0.5)).toBeLessThan(0.005)
    }
  })

  it('removes tones above the new Nyquist frequency instead of aliasing them', async () => {
    // 10 kHz at 48k would alias to 6 kHz at 16k without the anti-aliasing filter
    const y = await resample(sine(10000, 48000, 0.3, 0.5), 48000, 16000)
    expect(20 * Math.log10(rms(middle(y)) / (0.5 / Math.SQRT2))).toBeLessThan(-90)
  })

  it('output length is round(len * to / from) for awkward lengths, same rate copies', async () => {
    for (const n of [1, 2, 1001, 4409]) {
      expect(await resample(new Float32Array(n).fill(0.1), 44100, 16000)).toHaveLength(Math.round((n * 16000) / 44100))
      expect(await resample(new Float32Array(n).fill(0.1), 22050, 48000)).toHaveLength(Math.round((n * 48000) / 22050))
    }
    const x = sine(440, 16000, 0.01)
    const same = await resample(x, 16000, 16000)
    expect(same).toEqual(x)
    expect(same).not.toBe(x)
  })
})
