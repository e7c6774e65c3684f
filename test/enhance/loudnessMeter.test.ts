import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { integratedLoudness, readAudio } from '../../src/engine/audio/index.ts'
import { LoudnessMeter } from '../../src/engine/enhance/loudnessMeter.ts'
import { devData, speechLike } from './helpers.ts'

function streamed(channels: Float32Array[], rate: number, block: number): LoudnessMeter {
  const m = new LoudnessMeter(rate, channels.length)
  for (let s = 0; s < channels[0].length; s += block) m.add(channels.map((c) => c.subarray(s, s + block)))
  return m
}

describe('streaming loudness meter', () => {
  it('measures a real clip fed in odd blocks as integratedLoudness does on the whole', async () => {
    const a = await readAudio(join(devData, 'clean', 'lj_LJ001-0003.wav'))
    const whole = integratedLoudness(a.channels, a.sampleRate)
    expect(whole).toBeGreaterThan(-40)
    expect(streamed(a.channels, a.sampleRate, 1237).loudness()).toBeCloseTo(whole, 2)
  })

  it('agrees on stereo 44.1 kHz and 8 kHz signals, and reports the peak', () => {
    for (const rate of [44100, 8000]) {
      const a = speechLike(rate, 2.5, 2)
      const m = streamed(a.channels, rate, 777)
      expect(m.loudness()).toBeCloseTo(integratedLoudness(a.channels, rate), 1)
      let peak = 0
      for (const c of a.channels) for (const v of c) peak = Math.max(peak, Math.abs(v))
      expect(m.peak).toBe(peak)
    }
  })

  it('gives -Infinity for silence', () => {
    expect(streamed([new Float32Array(16000)], 16000, 1000).loudness()).toBe(-Infinity)
  })
})
