/**
 * Scale-invariant signal-to-distortion ratio (Le Roux et al. 2019), in dB (higher is better).
 * Both signals are made zero-mean; with ref x and estimate y:
 *   a = <y, x> / ||x||^2,   SI-SDR = 10 log10( ||a x||^2 / ||y - a x||^2 )
 * Capped at +-SISDR_CAP dB so identical signals give a finite number; NaN when the reference is silent.
 * It depends on phase: vocoded speech scores very low even when it sounds fine.
 */
export const SISDR_CAP = 100

export function siSdr(ref: Float32Array, est: Float32Array): number {
  const n = Math.min(ref.length, est.length)
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += ref[i]
    my += est[i]
  }
  mx /= n
  my /= n
  let xy = 0
  let xx = 0
  for (let i = 0; i < n; i++) {
    const x = ref[i] - mx
    xy += (est[i] - my) * x
    xx += x * x
  }
  if (!(xx > 0)) return NaN
  const a = xy / xx
  let target = 0
  let noise = 0
  for (let i = 0; i < n; i++) {
    const t = a * (ref[i] - mx)
    const e = est[i] - my - t
    target += t * t
    noise += e * e
  }
  if (noise === 0) return SISDR_CAP
  const db = 10 * Math.log10(target / noise)
  return Math.max(-SISDR_CAP, Math.min(SISDR_CAP, db))
}
