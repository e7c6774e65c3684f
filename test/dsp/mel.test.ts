import { describe, expect, it } from 'vitest'
import { hzToMel, logMelSpectrogram, melFilterbank, melToHz } from '../../src/engine/dsp/mel.ts'

describe('mel', () => {
  it('uses the Slaney scale (linear to 1 kHz, log above)', () => {
    expect(hzToMel(60)).toBeCloseTo(0.9, 6) // librosa.hz_to_mel(60) = 0.9
    expect(hzToMel(1000)).toBeCloseTo(15, 9)
    expect(hzToMel(6400)).toBeCloseTo(42, 9) // 27 log-steps of 6.4x above 1 kHz
    for (const f of [0, 123, 999, 1000, 4321, 8000]) expect(melToHz(hzToMel(f))).toBeCloseTo(f, 6)
  })

  it('filterbank: nMels triangles in order, each of unit area (Slaney normalisation)', () => {
    const sr = 16000
    const nFft = 1024
    const fb = melFilterbank(sr, nFft, 40)
    expect(fb).toHaveLength(40)
    expect(fb[0]).toHaveLength(513)
    const binHz = sr / nFft
    let lastPeak = -1
    for (const row of fb) {
      let peak = 0
      for (let k = 0; k < row.length; k++) if (row[k] > row[peak]) peak = k
      expect(peak).toBeGreaterThanOrEqual(lastPeak)
      lastPeak = peak
      const area = row.reduce((s, v) => s + v, 0) * binHz
      expect(area).toBeGreaterThan(0.8)
      expect(area).toBeLessThan(1.2)
    }
    expect(fb[39][512]).toBe(0) // the last triangle ends at fMax
  })

  it('logMelSpectrogram puts a 1 kHz tone in the band around 1 kHz, in dB', () => {
    const sr = 16000
    const x = new Float32Array(sr)
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / sr)
    const S = logMelSpectrogram(x, sr, { nFft: 512, hop: 128, nMels: 40 })
    expect(S).toHaveLength(1 + Math.floor(sr / 128))
    const frame = S[60]
    let best = 0
    for (let m = 0; m < frame.length; m++) if (frame[m] > frame[best]) best = m
    const fb = melFilterbank(sr, 512, 40)
    expect(fb[best][32]).toBeGreaterThan(0) // bin 32 = 1000 Hz lies in the loudest band
    expect(frame[best] - frame[0]).toBeGreaterThan(60)
    const silent = logMelSpectrogram(new Float32Array(2000), sr, { nFft: 512, hop: 128, nMels: 40 })
    expect(silent[3][10]).toBeCloseTo(-100, 6)
  })
})
