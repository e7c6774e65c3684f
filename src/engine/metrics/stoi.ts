/**
 * Short-Time Objective Intelligibility (Taal, Hendriks, Heusdens, Jensen 2011, IEEE TASLP 19(7)), following the
 * reference MATLAB code as pystoi does:
 *   1. resample both signals to 10 kHz;
 *   2. drop frames (256-sample Hann, hop 128) where the reference is more than 40 dB below its loudest frame,
 *      and rebuild both signals by overlap-add of the kept frames;
 *   3. STFT: 256-sample Hann frames, hop 128, zero-padded to 512; power in 15 one-third-octave bands from
 *      150 Hz, X_j(m) = sqrt(sum_{k in band j} |X(k, m)|^2);
 *   4. for every 30-frame segment (384 ms) ending at frame m and band j, with reference vector x and degraded y:
 *      y' = min( (||x|| / ||y||) y , (1 + 10^(-beta/20)) x ),  beta = -15 dB  (normalise, then clip);
 *      d_jm = correlation coefficient of x and y';
 *   5. STOI = mean of d_jm over all bands and segments (about 0..1, higher is more intelligible).
 * Fewer than 30 frames left after silence removal gives 1e-5, as in pystoi.
 */
import FFT from 'fft.js'
import { resampleRational } from './rationalResample.ts'

const FS = 10000
const N_FRAME = 256
const NFFT = 512
const NUM_BANDS = 15
const MIN_FREQ = 150
const N = 30
const BETA = -15
const DYN_RANGE = 40
const EPS = 2.220446049250313e-16

/** MATLAB hanning(n): hann of n+2 points without its zero ends. */
function matlabHanning(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (n + 1)))
}

function thirdOctaveBands(): Array<[number, number]> {
  const freqs = Array.from({ length: NFFT / 2 + 1 }, (_, k) => (k * FS) / NFFT)
  const nearest = (f: number) => {
    let best = 0
    for (let k = 1; k < freqs.length; k++) if ((freqs[k] - f) ** 2 < (freqs[best] - f) ** 2) best = k
    return best
  }
  return Array.from({ length: NUM_BANDS }, (_, k) => {
    const lo = MIN_FREQ * 2 ** ((2 * k - 1) / 6)
    const hi = MIN_FREQ * 2 ** ((2 * k + 1) / 6)
    return [nearest(lo), nearest(hi)] as [number, number] // bins lo .. hi-1
  })
}

function removeSilentFrames(x: Float32Array, y: Float32Array): [Float64Array, Float64Array] {
  const w = matlabHanning(N_FRAME)
  const hop = N_FRAME / 2
  const starts: number[] = []
  for (let i = 0; i <= x.length - N_FRAME; i += hop) starts.push(i)
  const energy = starts.map((s) => {
    let e = 0
    for (let n = 0; n < N_FRAME; n++) e += (w[n] * x[s + n]) ** 2
    return 20 * Math.log10(Math.sqrt(e) + EPS)
  })
  const max = Math.max(...energy)
  const kept = starts.filter((_, i) => energy[i] > max - DYN_RANGE)
  const len = kept.length > 0 ? (kept.length - 1) * hop + N_FRAME : 0
  const xs = new Float64Array(len)
  const ys = new Float64Array(len)
  kept.forEach((s, j) => {
    for (let n = 0; n < N_FRAME; n++) {
      xs[j * hop + n] += w[n] * x[s + n]
      ys[j * hop + n] += w[n] * y[s + n]
    }
  })
  return [xs, ys]
}

/** Bands x frames of one-third-octave magnitudes. */
function bandEnvelopes(x: Float64Array, bands: Array<[number, number]>): Float64Array[] {
  const w = matlabHanning(N_FRAME)
  const hop = N_FRAME / 2
  const fft = new FFT(NFFT)
  const input = new Float64Array(NFFT)
  const out = fft.createComplexArray()
  const starts: number[] = []
  for (let i = 0; i < x.length - N_FRAME; i += hop) starts.push(i) // pystoi's range(0, len - win, hop)
  const env = bands.map(() => new Float64Array(starts.length))
  starts.forEach((s, m) => {
    for (let n = 0; n < N_FRAME; n++) input[n] = w[n] * x[s + n]
    fft.realTransform(out, input)
    bands.forEach(([lo, hi], j) => {
      let p = 0
      for (let k = lo; k < hi; k++) p += out[2 * k] ** 2 + out[2 * k + 1] ** 2
      env[j][m] = Math.sqrt(p)
    })
  })
  return env
}

export function stoi(ref: Float32Array, est: Float32Array, sampleRate: number): number {
  const n = Math.min(ref.length, est.length)
  const x10 = resampleRational(ref.subarray(0, n), sampleRate, FS)
  const y10 = resampleRational(est.subarray(0, n), sampleRate, FS)
  const [xs, ys] = removeSilentFrames(x10, y10)
  const bands = thirdOctaveBands()
  const X = bandEnvelopes(xs, bands)
  const Y = bandEnvelopes(ys, bands)
  const frames = X[0].length
  if (frames < N) return 1e-5
  const clip = 1 + 10 ** (-BETA / 20)
  const xv = new Float64Array(N)
  const yv = new Float64Array(N)
  let total = 0
  let count = 0
  for (let m = N; m <= frames; m++) {
    for (let j = 0; j < NUM_BANDS; j++) {
      let nx = 0
      let ny = 0
      for (let i = 0; i < N; i++) {
        xv[i] = X[j][m - N + i]
        yv[i] = Y[j][m - N + i]
        nx += xv[i] * xv[i]
        ny += yv[i] * yv[i]
      }
      const alpha = Math.sqrt(nx) / (Math.sqrt(ny) + EPS)
      let mx = 0
      let my = 0
      for (let i = 0; i < N; i++) {
        yv[i] = Math.min(alpha * yv[i], clip * xv[i])
        mx += xv[i] / N
        my += yv[i] / N
      }
      let sxy = 0
      let sxx = 0
      let syy = 0
      for (let i = 0; i < N; i++) {
        const a = xv[i] - mx
        const b = yv[i] - my
        sxy += a * b
        sxx += a * a
        syy += b * b
      }
      total += sxy / ((Math.sqrt(sxx) + EPS) * (Math.sqrt(syy) + EPS))
      count++
    }
  }
  return total / count
}
