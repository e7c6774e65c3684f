/**
 * Log-spectral distance (lower is better), in log10 units (x10 for dB):
 *   LSD = mean_t sqrt( mean_f ( log10(|X_tf|^2 + 1e-8) - log10(|Y_tf|^2 + 1e-8) )^2 )
 * X, Y: centred Hann STFT, nFft 512, hop 128, of reference and estimate; all frames.
 */
import { stft } from '../dsp/stft.ts'

export function logSpectralDistance(ref: Float32Array, est: Float32Array): number {
  const n = Math.min(ref.length, est.length)
  const X = stft(ref.subarray(0, n), { nFft: 512, hop: 128 })
  const Y = stft(est.subarray(0, n), { nFft: 512, hop: 128 })
  let total = 0
  for (let t = 0; t < X.re.length; t++) {
    const [xr, xi, yr, yi] = [X.re[t], X.im[t], Y.re[t], Y.im[t]]
    let s = 0
    for (let k = 0; k < xr.length; k++) {
      const d = Math.log10(xr[k] * xr[k] + xi[k] * xi[k] + 1e-8) - Math.log10(yr[k] * yr[k] + yi[k] * yi[k] + 1e-8)
      s += d * d
    }
    total += Math.sqrt(s / xr.length)
  }
  return total / X.re.length
}
