/**
 * Mel filterbank on the Slaney mel scale (linear below 1 kHz, logarithmic above; librosa's default, htk=false)
 * with Slaney area normalisation (each triangle scaled by 2 / (f_right - f_left), so its area is constant).
 * logMelSpectrogram: 10 log10(max(M |X|^2, 1e-10)) per frame, M the filterbank, X the centred Hann STFT.
 */
import { stft } from './stft.ts'

const F_SP = 200 / 3
const MIN_LOG_HZ = 1000
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP
const LOG_STEP = Math.log(6.4) / 27

export function hzToMel(hz: number): number {
  return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP
}

export function melToHz(mel: number): number {
  return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL))
}

/** nMels rows of nFft/2+1 weights. */
export function melFilterbank(sampleRate: number, nFft: number, nMels: number, fMin = 0, fMax = sampleRate / 2): Float32Array[] {
  if (fMax > sampleRate / 2 || fMin < 0 || fMin >= fMax) throw new RangeError(`invalid mel range ${fMin}..${fMax} Hz at ${sampleRate} Hz`)
  const bins = nFft / 2 + 1
  const fftFreqs = Array.from({ length: bins }, (_, k) => (k * sampleRate) / nFft)
  const lo = hzToMel(fMin)
  const hi = hzToMel(fMax)
  const edges = Array.from({ length: nMels + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (nMels + 1)))
  return Array.from({ length: nMels }, (_, m) => {
    const row = new Float32Array(bins)
    const [l, c, r] = [edges[m], edges[m + 1], edges[m + 2]]
    const enorm = 2 / (r - l)
    for (let k = 0; k < bins; k++) {
      const f = fftFreqs[k]
      const up = (f - l) / (c - l)
      const down = (r - f) / (r - c)
      row[k] = Math.max(0, Math.min(up, down)) * enorm
    }
    return row
  })
}

// the non-zero span of each triangle, found once per filterbank
const spans = new WeakMap<Float32Array[], Array<[number, number]>>()

export function applyFilterbank(fb: Float32Array[], spectrum: Float32Array): Float32Array {
  let span = spans.get(fb)
  if (!span) {
    span = fb.map((row) => {
      let lo = 0
      while (lo < row.length && row[lo] === 0) lo++
      let hi = row.length
      while (hi > lo && row[hi - 1] === 0) hi--
      return [lo, hi] as [number, number]
    })
    spans.set(fb, span)
  }
  const out = new Float32Array(fb.length)
  for (let m = 0; m < fb.length; m++) {
    const row = fb[m]
    const [lo, hi] = span[m]
    let s = 0
    for (let k = lo; k < hi; k++) s += row[k] * spectrum[k]
    out[m] = s
  }
  return out
}

/** Frames x nMels, in dB of mel-weighted power. */
export function logMelSpectrogram(x: Float32Array, sampleRate: number, o: { nFft: number; hop: number; nMels: number }): Float32Array[] {
  const fb = melFilterbank(sampleRate, o.nFft, o.nMels)
  const spec = stft(x, { nFft: o.nFft, hop: o.hop })
  return spec.re.map((re, t) => {
    const im = spec.im[t]
    const power = new Float32Array(re.length)
    for (let k = 0; k < re.length; k++) power[k] = re[k] * re[k] + im[k] * im[k]
    const mel = applyFilterbank(fb, power)
    for (let m = 0; m < mel.length; m++) mel[m] = 10 * Math.log10(Math.max(mel[m], 1e-10))
    return mel
  })
}
