/**
 * Mel-cepstral distortion, MFCC style (dB, lower is better), without time warping:
 *   mel amplitudes A = M |X| with M 40 Slaney area-normalised mel bands (0..fs/2) on a centred Hann STFT
 *   (nFft 512, hop 80); c = orthonormal DCT-II of ln(max(A, 1e-5)); coefficients c1..c13 (c0, the level, dropped);
 *   per frame d_t = (10 / ln 10) * sqrt( 2 * sum_{k=1..13} (c_k^ref - c_k^est)^2 );
 *   MCD = mean of d_t over the frames whose reference energy is within 40 dB of the loudest reference frame.
 * Band-limited inputs give large values (the log floor meets empty bands).
 */
import { stft, magnitude } from '../dsp/stft.ts'
import { applyFilterbank, melFilterbank } from '../dsp/mel.ts'

const N_MELS = 40
const N_CEPS = 13

function dctMatrix(n: number, k: number): Float64Array[] {
  return Array.from({ length: k + 1 }, (_, q) => {
    const s = q === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n)
    return Float64Array.from({ length: n }, (_, m) => s * Math.cos((Math.PI * q * (2 * m + 1)) / (2 * n)))
  })
}

export function melCepstralDistortion(ref: Float32Array, est: Float32Array, sampleRate: number): number {
  const n = Math.min(ref.length, est.length)
  const o = { nFft: 512, hop: 80 }
  const X = stft(ref.subarray(0, n), o)
  const Mx = magnitude(X)
  const My = magnitude(stft(est.subarray(0, n), o))
  const fb = melFilterbank(sampleRate, o.nFft, N_MELS)
  const dct = dctMatrix(N_MELS, N_CEPS)
  const energy = X.re.map((re, t) => {
    let s = 0
    for (let k = 0; k < re.length; k++) s += re[k] * re[k] + X.im[t][k] * X.im[t][k]
    return 10 * Math.log10(s + 1e-20)
  })
  const loudest = Math.max(...energy)
  const ceps = (mag: Float32Array) => {
    const mel = applyFilterbank(fb, mag)
    for (let m = 0; m < mel.length; m++) mel[m] = Math.log(Math.max(mel[m], 1e-5))
    const c = new Float64Array(dct.length)
    for (let q = 0; q < dct.length; q++) {
      let s = 0
      for (let m = 0; m < mel.length; m++) s += dct[q][m] * mel[m]
      c[q] = s
    }
    return c
  }
  let sum = 0
  let count = 0
  for (let t = 0; t < Mx.length; t++) {
    if (energy[t] < loudest - 40) continue
    const cx = ceps(Mx[t])
    const cy = ceps(My[t])
    let s = 0
    for (let q = 1; q <= N_CEPS; q++) s += (cx[q] - cy[q]) ** 2
    sum += (10 / Math.LN10) * Math.sqrt(2 * s)
    count++
  }
  return count > 0 ? sum / count : NaN
}
