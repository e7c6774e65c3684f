import { describe, expect, it } from 'vitest'
import { integratedLoudness, kWeightingFilters, peak, rms } from '../../src/engine/audio/index.ts'
import { sine } from './tone.ts'

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const dbfs = (db: number) => 10 ** (db / 20)

describe('peak and rms', () => {
  it('measure a sine', () => {
    const x = sine(1000, 48000, 1, 0.5)
    expect(peak(x)).toBeCloseTo(0.5, 4)
    expect(rms(x)).toBeCloseTo(0.5 / Math.SQRT2, 4)
    expect(rms(new Float32Array(0))).toBe(0)
  })
})

describe('integratedLoudness (ITU-R BS.1770-4)', () => {
  it("uses the standard's 48 kHz K-weighting coefficients", () => {
    const [shelf, hp] = kWeightingFilters(48000)
    // BS.1770-4 Annex 1, tables 1 and 2
    const t1b = [1.53512485958697, -2.69169618940638, 1.19839281085285]
    const t1a = [1, -1.69065929318241, 0.73248077421585]
    const t2a = [1, -1.99004745483398, 0.99007225036621]
    shelf.b.forEach((v, i) => expect(v).toBeCloseTo(t1b[i], 10))
    shelf.a.forEach((v, i) => expect(v).toBeCloseTo(t1a[i], 10))
    expect(hp.b).toEqual([1, -2, 1])
    hp.a.forEach((v, i) => expect(v).toBeCloseTo(t2a[i], 10))
  })

  // BS.1770-4: "a 0 dB FS 997 Hz sine wave applied to the left, centre or right channel reads -3.01 LKFS"
  it.each([48000, 44100, 16000])('a -20 dBFS 997 Hz sine on one channel at %i Hz reads -23.01 LUFS', (rate) => {
    expect(integratedLoudness([sine(997, rate, 3, dbfs(-20))], rate)).toBeCloseTo(-23.01, 1)
  })

  it('EBU Tech 3341 cases 1 and 2: stereo 1 kHz at -23 / -33 dBFS reads -23 / -33 LUFS', () => {
    for (const level of [-23, -33]) {
      const x = sine(1000, 48000, 4, dbfs(level))
      expect(integratedLoudness([x, x], 48000)).toBeCloseTo(level, 1)
    }
  })

  it('EBU Tech 3341 case 3: 10 s at -36, 60 s at -23, 10 s at -36 dBFS reads -23.0 +-0.1 LUFS (relative gate)', () => {
    const seg = (db: number, s: number) => sine(1000, 48000, s, dbfs(db))
    const x = concat(seg(-36, 10), seg(-23, 60), seg(-36, 10))
    expect(Math.abs(integratedLoudness([x, x], 48000) + 23)).toBeLessThanOrEqual(0.1)
  })

  it('the absolute gate ignores silence; silence alone is -Infinity', () => {
    // blocks straddling the start of the tone pass both gates (as in any BS.1770 meter): a long tone keeps their share small
    const x = concat(new Float32Array(48000 * 3), sine(1000, 48000, 20, dbfs(-23)))
    expect(Math.abs(integratedLoudness([x, x], 48000) + 23)).toBeLessThanOrEqual(0.1)
    expect(integratedLoudness([new Float32Array(48000)], 48000)).toBe(-Infinity)
    expect(integratedLoudness([new Float32Array(0)], 48000)).toBe(-Infinity)
  })

  it('5.1: LFE is ignored, surrounds weigh +1.5 dB', () => {
    const rate = 48000
    const tone = sine(1000, rate, 2, dbfs(-30))
    const z = new Float32Array(tone.length)
    const surround = integratedLoudness([z, z, z, z, tone, z], rate)
    const left = integratedLoudness([tone, z, z, z, z, z], rate)
    expect(surround - left).toBeCloseTo(10 * Math.log10(1.41), 2)
    expect(integratedLoudness([z, z, z, tone, z, z], rate)).toBe(-Infinity)
  })
})
