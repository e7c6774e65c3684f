/**
 * Multi-resolution STFT distance (lower is better), the Parallel WaveGAN auxiliary loss used as a metric.
 * For each (nFft, hop, window) in (512, 50, 240), (1024, 120, 600), (2048, 240, 1200), with M = |STFT| (centred
 * Hann of the window length, zero-padded to nFft), floored at 1e-7:
 *   SC  = ||M_ref - M_est||_F / ||M_ref||_F                         (spectral convergence)
 *   MAG = mean | ln M_ref - ln M_est |                              (log-magnitude distance)
 * MR-STFT = mean over resolutions of SC  +  mean over resolutions of MAG.
 */
import { magnitude, stft } from '../dsp/stft.ts'

export const MRSTFT_RESOLUTIONS: ReadonlyArray<{ nFft: number; hop: number; winLength: number }> = [
  { nFft: 512, hop: 50, winLength: 240 },
  { nFft: 1024, hop: 120, winLength: 600 },
  { nFft: 2048, hop: 240, winLength: 1200 }
]

export function multiResolutionStftDistance(ref: Float32Array, est: Float32Array): number {
  const n = Math.min(ref.length, est.length)
  let total = 0
  for (const r of MRSTFT_RESOLUTIONS) {
    const A = magnitude(stft(ref.subarray(0, n), r))
    const B = magnitude(stft(est.subarray(0, n), r))
    let diff2 = 0
    let ref2 = 0
    let logAbs = 0
    let cells = 0
    for (let t = 0; t < A.length; t++) {
      for (let k = 0; k < A[t].length; k++) {
        const a = Math.max(A[t][k], 1e-7)
        const b = Math.max(B[t][k], 1e-7)
        diff2 += (a - b) ** 2
        ref2 += a * a
        logAbs += Math.abs(Math.log(a / b))
        cells++
      }
    }
    const sc = ref2 > 0 ? Math.sqrt(diff2) / Math.sqrt(ref2) : diff2 > 0 ? Infinity : 0
    total += sc + logAbs / cells
  }
  return total / MRSTFT_RESOLUTIONS.length
}
