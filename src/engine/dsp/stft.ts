/**
 * Short-time Fourier transform on fft.js.
 *   X[t][k] = sum_n w[n] x_pad[t*hop + n] e^{-2 pi i k n / nFft},  k = 0..nFft/2
 * w is a periodic Hann window of `winLength` samples (default nFft), zero-padded to nFft in the middle.
 * With `center` (default), x is reflect-padded by nFft/2 on both sides, so frame t is centred on sample t*hop
 * (librosa's convention) and there are 1 + floor(len / hop) frames.
 * istft is the weighted overlap-add inverse: x[n] = sum_t w[n - t*hop] y_t[n - t*hop] / sum_t w^2[n - t*hop],
 * which reconstructs x exactly wherever the squared windows overlap (any hop <= winLength / 2 for Hann).
 */
import FFT from 'fft.js'

export interface Spectrogram {
  re: Float32Array[]
  im: Float32Array[]
}

export interface StftOptions {
  nFft: number
  hop: number
  /** window length, <= nFft; default nFft */
  winLength?: number
  /** reflect-pad nFft/2 each side so frames are centred on t*hop; default true */
  center?: boolean
}

const ffts = new Map<number, FFT>()
function fftOf(n: number): FFT {
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`nFft must be a power of two >= 2, got ${n}`)
  let f = ffts.get(n)
  if (!f) {
    f = new FFT(n)
    ffts.set(n, f)
  }
  return f
}

/** Periodic Hann window of `winLength`, centred in an nFft-long array. */
export function hannWindow(nFft: number, winLength = nFft): Float64Array {
  if (winLength > nFft || winLength < 1) throw new RangeError(`window length ${winLength} must be in 1..${nFft}`)
  const w = new Float64Array(nFft)
  const off = Math.floor((nFft - winLength) / 2)
  for (let n = 0; n < winLength; n++) w[off + n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / winLength)
  return w
}

function padded(x: Float32Array, pad: number): Float32Array {
  const out = new Float32Array(x.length + 2 * pad)
  out.set(x, pad)
  if (x.length > pad) {
    for (let i = 0; i < pad; i++) {
      out[pad - 1 - i] = x[i + 1]
      out[pad + x.length + i] = x[x.length - 2 - i]
    }
  }
  // shorter signals than the padding: zero padding
  return out
}

export function frameCount(length: number, o: StftOptions): number {
  if (o.center ?? true) return 1 + Math.floor(length / o.hop)
  return length >= o.nFft ? 1 + Math.floor((length - o.nFft) / o.hop) : 0
}

export function stft(x: Float32Array, o: StftOptions): Spectrogram {
  const { nFft, hop } = o
  if (!(hop >= 1)) throw new RangeError(`hop must be >= 1, got ${hop}`)
  const f = fftOf(nFft)
  const w = hannWindow(nFft, o.winLength ?? nFft)
  const center = o.center ?? true
  const xp = center ? padded(x, nFft / 2) : x
  const frames = frameCount(x.length, o)
  const bins = nFft / 2 + 1
  const re: Float32Array[] = []
  const im: Float32Array[] = []
  const input = new Float64Array(nFft)
  const out = f.createComplexArray()
  for (let t = 0; t < frames; t++) {
    const s = t * hop
    for (let n = 0; n < nFft; n++) input[n] = s + n < xp.length ? w[n] * xp[s + n] : 0
    f.realTransform(out, input)
    const r = new Float32Array(bins)
    const i = new Float32Array(bins)
    for (let k = 0; k < bins; k++) {
      r[k] = out[2 * k]
      i[k] = out[2 * k + 1]
    }
    re.push(r)
    im.push(i)
  }
  return { re, im }
}

export function istft(spec: Spectrogram, o: StftOptions & { length: number }): Float32Array {
  const { nFft, hop, length } = o
  const f = fftOf(nFft)
  const w = hannWindow(nFft, o.winLength ?? nFft)
  const center = o.center ?? true
  const pad = center ? nFft / 2 : 0
  const total = Math.max(length + 2 * pad, (spec.re.length - 1) * hop + nFft)
  const acc = new Float64Array(total)
  const norm = new Float64Array(total)
  const full = f.createComplexArray()
  const out = f.createComplexArray()
  const bins = nFft / 2 + 1
  for (let t = 0; t < spec.re.length; t++) {
    const r = spec.re[t]
    const im = spec.im[t]
    for (let k = 0; k < bins; k++) {
      full[2 * k] = r[k]
      full[2 * k + 1] = im[k]
    }
    for (let k = bins; k < nFft; k++) {
      full[2 * k] = r[nFft - k]
      full[2 * k + 1] = -im[nFft - k]
    }
    f.inverseTransform(out, full)
    const s = t * hop
    for (let n = 0; n < nFft; n++) {
      acc[s + n] += w[n] * out[2 * n]
      norm[s + n] += w[n] * w[n]
    }
  }
  const y = new Float32Array(length)
  for (let n = 0; n < length; n++) {
    const d = norm[n + pad]
    y[n] = d > 1e-10 ? acc[n + pad] / d : 0
  }
  return y
}

export function magnitude(spec: Spectrogram): Float32Array[] {
  return spec.re.map((r, t) => {
    const im = spec.im[t]
    const m = new Float32Array(r.length)
    for (let k = 0; k < r.length; k++) m[k] = Math.sqrt(r[k] * r[k] + im[k] * im[k])
    return m
  })
}
