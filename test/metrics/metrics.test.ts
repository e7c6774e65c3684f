import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { readAudio } from '../../src/engine/audio/index.ts'
import {
  computeMetrics,
  logSpectralDistance,
  melCepstralDistortion,
  multiResolutionStftDistance,
  siSdr,
  SISDR_CAP,
  stoi
} from '../../src/engine/metrics/index.ts'

const data = path.resolve(import.meta.dirname, '../../../shared/data/speech-dev')

function noise(n: number, seed: number): Float32Array {
  let s = seed
  const x = new Float32Array(n)
  // sum of 4 uniforms: close enough to Gaussian white noise
  for (let i = 0; i < n; i++) {
    let v = 0
    for (let j = 0; j < 4; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      v += s / 2 ** 32 - 0.5
    }
    x[i] = v
  }
  return x
}

const energy = (x: Float32Array) => x.reduce((s, v) => s + v * v, 0)

/** ref + white noise scaled to the given SNR over the whole signal */
function withNoise(ref: Float32Array, snrDb: number, seed: number): Float32Array {
  const n = noise(ref.length, seed)
  const g = Math.sqrt(energy(ref) / energy(n) / 10 ** (snrDb / 10))
  return ref.map((v, i) => v + g * n[i])
}

async function clip(name: string): Promise<Float32Array> {
  return (await readAudio(path.join(data, 'clean', name))).channels[0]
}

describe('metrics on identical signals', () => {
  it('give the perfect scores', async () => {
    const x = await clip('lj_LJ001-0003.wav')
    const m = computeMetrics(x, x.slice(), 16000)
    expect(m.sisdr).toBe(SISDR_CAP)
    expect(m.lsd).toBe(0)
    expect(m.mcd).toBe(0)
    expect(m.stoi).toBeCloseTo(1, 9)
    expect(m.mrstft).toBe(0)
  })
})

describe('SI-SDR', () => {
  it('reads exactly 10 dB for white noise at 10 dB SNR (noise orthogonal to the zero-mean reference)', () => {
    const x = noise(16000, 3).map((v, i) => v + 0.3 * Math.sin(i / 7))
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length
    const mx = mean(x)
    const xc = x.map((v) => v - mx)
    let e = noise(16000, 99)
    const me = mean(e)
    e = e.map((v) => v - me)
    const proj = e.reduce((s, v, i) => s + v * xc[i], 0) / energy(xc)
    e = e.map((v, i) => v - proj * xc[i])
    const g = Math.sqrt(energy(xc) / energy(e) / 10)
    const y = x.map((v, i) => v + g * e[i])
    expect(siSdr(x, y)).toBeCloseTo(10, 4)
    // scale- and offset-invariant
    expect(siSdr(x, y.map((v) => 0.3 * v + 0.05))).toBeCloseTo(10, 4)
  })

  it('is NaN for a silent reference and capped for a perfect estimate', () => {
    expect(siSdr(new Float32Array(100), noise(100, 1))).toBeNaN()
    const x = noise(1000, 5)
    expect(siSdr(x, x)).toBe(SISDR_CAP)
    expect(siSdr(x, x.map((v) => -v))).toBe(SISDR_CAP) // the optimal scale may be negative
    expect(siSdr(x, noise(1000, 6))).toBeLessThan(-15) // unrelated noise
  })
})

describe('spectral distances: known values for a gain change', () => {
  const x = noise(16000, 11)
  const y = x.map((v) => 2 * v)
  it('LSD of a 6 dB gain is log10(4)', () => {
    expect(logSpectralDistance(x, y)).toBeCloseTo(Math.log10(4), 3)
  })
  it('MR-STFT of a 6 dB gain is SC 1 + ln 2', () => {
    expect(multiResolutionStftDistance(x, y)).toBeCloseTo(1 + Math.LN2, 3)
  })
  it('MCD ignores level (c0 is left out) and grows with spectral-shape change', () => {
    expect(melCepstralDistortion(x, y, 16000)).toBeLessThan(1e-4)
    let prev = 0
    for (const a of [0.3, 0.6, 0.9]) {
      // one-pole low-pass, stronger each time: the spectral tilt grows
      const lp = new Float32Array(x.length)
      for (let i = 0; i < x.length; i++) lp[i] = (1 - a) * x[i] + a * (i > 0 ? lp[i - 1] : 0)
      const d = melCepstralDistortion(x, lp, 16000)
      expect(d).toBeGreaterThan(prev)
      prev = d
    }
  })
})

describe('STOI', () => {
  it('speech in white noise at 0 dB SNR scores 0.72-0.77 (the dev set README reference), and STOI rises with SNR', async () => {
    const x = await clip('lj_LJ001-0003.wav')
    const at0 = stoi(x, withNoise(x, 0, 7), 16000)
    expect(at0).toBeGreaterThan(0.7)
    expect(at0).toBeLessThan(0.79)
    const scores = [-10, -5, 0, 5, 15].map((snr) => stoi(x, withNoise(x, snr, 7), 16000))
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1])
    expect(scores[4]).toBeGreaterThan(0.95)
  })

  it('is low for unrelated noise, 1 for a rescaled copy, and works at 44.1 kHz', async () => {
    const x = await clip('ast-en_all-circuits-busy-now.wav')
    // clipping y' to (1 + 10^(15/20)) x lets the reference's envelope leak into y', so pure noise does not reach 0
    const unrelated = stoi(x, noise(x.length, 3), 16000)
    expect(unrelated).toBeLessThan(0.45)
    expect(unrelated).toBeLessThan(stoi(x, withNoise(x, -5, 3), 16000))
    expect(stoi(x, x.map((v) => 0.2 * v), 16000)).toBeCloseTo(1, 6)
    const tone = Float32Array.from({ length: 44100 }, (_, i) => Math.sin(i / 10) * (1 + Math.sin(i / 2000)))
    expect(stoi(tone, tone, 44100)).toBeCloseTo(1, 6)
  })

  it('returns 1e-5 (as pystoi) when under 384 ms of speech is left', () => {
    const x = noise(3000, 1)
    expect(stoi(x, x, 16000)).toBe(1e-5)
  })
})
