/**
 * Level measures. integratedLoudness follows ITU-R BS.1770-4:
 *   K-weighting = high-shelf (+4 dB above ~1.7 kHz) then high-pass (~38 Hz); coefficients are derived for any
 *   sample rate from the analogue prototypes by the bilinear transform (libebur128's derivation, which
 *   reproduces the standard's 48 kHz table);
 *   blocks of 400 ms with 75 % overlap; per block l_j = -0.691 + 10 log10( sum_i G_i * mean(y_i^2) );
 *   absolute gate -70 LUFS, then relative gate 10 LU below the loudness of the blocks that passed;
 *   result = -0.691 + 10 log10(mean over gated blocks of sum_i G_i z_ij).
 *   G_i = 1, except 6 channels in ITU order (L R C LFE Ls Rs): LFE 0, surrounds 1.41.
 * A signal shorter than one block is measured as a single block.
 */

export function peak(x: Float32Array): number {
  let m = 0
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i])
    if (a > m) m = a
  }
  return m
}

export function rms(x: Float32Array): number {
  if (x.length === 0) return 0
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * x[i]
  return Math.sqrt(s / x.length)
}

export interface Biquad {
  b: [number, number, number]
  a: [number, number, number]
}

/** The two K-weighting biquads for a sample rate (a[0] = 1); at 48 kHz they equal the standard's table. */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  // stage 1: high shelf (bilinear transform of the analogue prototype, as libebur128 derives it)
  let f0 = 1681.974450955533
  const G = 3.999843853973347
  let Q = 0.7071752369554196
  let K = Math.tan((Math.PI * f0) / sampleRate)
  const Vh = 10 ** (G / 20)
  const Vb = Vh ** 0.4996667741545416
  let a0 = 1 + K / Q + K * K
  const shelf: Biquad = {
    b: [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0],
    a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0]
  }
  // stage 2: RLB high pass; the standard keeps b = [1, -2, 1] unnormalised
  f0 = 38.13547087602444
  Q = 0.5003270373238773
  K = Math.tan((Math.PI * f0) / sampleRate)
  a0 = 1 + K / Q + K * K
  const highpass: Biquad = { b: [1, -2, 1], a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0] }
  return [shelf, highpass]
}

function filter(x: Float32Array, f: Biquad): Float64Array {
  const y = new Float64Array(x.length)
  const [b0, b1, b2] = f.b
  const [, a1, a2] = f.a
  let x1 = 0
  let x2 = 0
  let y1 = 0
  let y2 = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    const o = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
    x2 = x1
    x1 = v
    y2 = y1
    y1 = o
    y[i] = o
  }
  return y
}

function channelWeights(n: number): number[] {
  if (n === 6) return [1, 1, 1, 0, 1.41, 1.41]
  return new Array<number>(n).fill(1)
}

/** Integrated (gated) loudness in LUFS; -Infinity for silence or empty input. */
export function integratedLoudness(channels: Float32Array[], sampleRate: number): number {
  if (channels.length === 0 || channels[0].length === 0) return -Infinity
  const [shelf, hp] = kWeightingFilters(sampleRate)
  const n = channels[0].length
  const weights = channelWeights(channels.length)
  const blockLen = Math.round(0.4 * sampleRate)
  const step = Math.round(0.1 * sampleRate)
  const starts: number[] = []
  if (n < blockLen) starts.push(0)
  else for (let s = 0; s + blockLen <= n; s += step) starts.push(s)
  const len = Math.min(blockLen, n)
  const power = new Float64Array(starts.length)
  channels.forEach((ch, c) => {
    if (weights[c] === 0) return
    const y = filter(ch, shelf)
    const z = filter(Float32Array.from(y), hp)
    // prefix sums of squares make every overlapping block O(1)
    const cum = new Float64Array(n + 1)
    for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + z[i] * z[i]
    starts.forEach((s, j) => {
      power[j] += (weights[c] * (cum[s + len] - cum[s])) / len
    })
  })
  const lufs = (p: number) => -0.691 + 10 * Math.log10(p)
  const meanOf = (keep: (p: number) => boolean) => {
    let s = 0
    let k = 0
    for (const p of power) {
      if (keep(p)) {
        s += p
        k++
      }
    }
    return k > 0 ? s / k : 0
  }
  const absMean = meanOf((p) => lufs(p) > -70)
  if (absMean === 0) return -Infinity
  const relGate = lufs(absMean) - 10
  const gated = meanOf((p) => lufs(p) > -70 && lufs(p) > relGate)
  return gated > 0 ? lufs(gated) : -Infinity
}
