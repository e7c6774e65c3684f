/**
 * Is this speech full-band, or band-limited (telephone / codec audio cut near 4 kHz)? Decided from the whole file.
 *
 * Per frame (nFft = the power of two nearest, in log terms, to 32 ms; hop nFft/2; Hann; full frames only; power
 * summed over channels): lo = power in [100, 4000) Hz, hi = power in [5000, 7500) Hz. Over the loud frames
 * (lo + hi within 40 dB of the loudest frame) the statistic is the 95th percentile of 10*log10(hi/lo + 1e-20).
 * On all 75 dev clips, full-band speech (clean, Griffin-Lim) measured -23 dB or more and the band-limited kinds
 * (opus 6k, codec2 3200, 4 kHz low-pass) -47.5 dB or less, hence the threshold of -35 dB, in the middle of the gap.
 *
 * The loudest frame is only known at the end, so frames are kept as a 2-D histogram of (total dB, ratio dB):
 * bounded memory for hour-long files, exact to within the bin widths (0.5 dB and 0.25 dB).
 */
import FFT from 'fft.js'
import { hannWindow } from './stft.ts'

/** Where the high band starts and ends and what counts as present; see the comment for the figures behind them. */
export const HIGH_BAND_HZ: readonly [number, number] = [5000, 7500]
export const LOW_BAND_HZ: readonly [number, number] = [100, 4000]
export const FULL_BAND_THRESHOLD_DB = -35

export interface BandwidthVerdict {
  fullBand: boolean
  /** 95th percentile over loud frames of 10*log10(high-band / low-band energy); -Infinity with no loud frame or too low a rate */
  highBandDb: number
}

/** Below this rate the high band (up to 7.5 kHz) cannot exist. */
const MIN_RATE = 15000

/** False when the rate cannot hold the high band, so that any signal at it is band-limited without a look. */
export function rateHoldsHighBand(sampleRate: number): boolean {
  return sampleRate >= MIN_RATE
}
const LOUD_RANGE_DB = 40
const PERCENTILE = 0.95
// histogram axes: [min, max) dB and bin width; values outside are clamped into the end bins
const TOTAL_MIN_DB = -200
const TOTAL_BIN_DB = 0.5
const TOTAL_BINS = 600 // up to +100 dB
const RATIO_MIN_DB = -200
const RATIO_BIN_DB = 0.25
const RATIO_BINS = 1200 // up to +100 dB

const clampBin = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor(v)))

export class BandwidthMeter {
  private readonly active: boolean
  private readonly nFft: number
  private readonly fft: FFT | null = null
  private readonly window: Float64Array = new Float64Array(0)
  private readonly input: Float64Array = new Float64Array(0)
  private readonly spectrum: number[] = []
  private readonly bufs: Float64Array[] = []
  private fill = 0
  private readonly lo: [number, number] = [0, 0] // bin ranges [first, end)
  private readonly hi: [number, number] = [0, 0]
  /** rows[totalBin][ratioBin]: frame counts; a row is allocated when a frame first lands in it */
  private readonly rows: (Uint32Array | undefined)[] = new Array(TOTAL_BINS)
  private maxTotal = 0

  constructor(
    readonly sampleRate: number,
    readonly channels: number
  ) {
    if (!(sampleRate > 0)) throw new RangeError(`invalid sample rate ${sampleRate}`)
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`invalid channel count ${channels}`)
    this.nFft = 2 ** Math.round(Math.log2(0.032 * sampleRate))
    this.active = rateHoldsHighBand(sampleRate)
    if (!this.active) return
    const n = this.nFft
    this.fft = new FFT(n)
    this.window = hannWindow(n)
    this.input = new Float64Array(n)
    this.spectrum = this.fft.createComplexArray()
    for (let c = 0; c < channels; c++) this.bufs.push(new Float64Array(n))
    const firstBin = (hz: number) => {
      let k = 0
      while ((k * sampleRate) / n < hz) k++
      return k
    }
    this.lo = [firstBin(LOW_BAND_HZ[0]), firstBin(LOW_BAND_HZ[1])]
    this.hi = [firstBin(HIGH_BAND_HZ[0]), firstBin(HIGH_BAND_HZ[1])]
  }

  /** One Float32Array per channel, all the same length; blocks of any length, in order. */
  add(block: Float32Array[]): void {
    if (block.length !== this.channels) throw new RangeError(`expected ${this.channels} channels, got ${block.length}`)
    const len = block[0].length
    if (block.some((ch) => ch.length !== len)) throw new RangeError('channels of a block differ in length')
    if (!this.active) return
    const n = this.nFft
    let pos = 0
    while (pos < len) {
      const take = Math.min(n - this.fill, len - pos)
      for (let c = 0; c < this.channels; c++) this.bufs[c].set(block[c].subarray(pos, pos + take), this.fill)
      this.fill += take
      pos += take
      if (this.fill === n) {
        this.frame()
        for (const b of this.bufs) b.copyWithin(0, n / 2)
        this.fill = n / 2
      }
    }
  }

  private frame(): void {
    const { nFft: n, window: w, input, spectrum: out } = this
    let lo = 0
    let hi = 0
    for (const buf of this.bufs) {
      for (let i = 0; i < n; i++) input[i] = w[i] * buf[i]
      this.fft!.realTransform(out, input)
      for (let k = this.lo[0]; k < this.lo[1]; k++) lo += out[2 * k] ** 2 + out[2 * k + 1] ** 2
      for (let k = this.hi[0]; k < this.hi[1]; k++) hi += out[2 * k] ** 2 + out[2 * k + 1] ** 2
    }
    const total = lo + hi
    if (!(total > 0)) return // silence: never a loud frame
    this.maxTotal = Math.max(this.maxTotal, total)
    const t = clampBin((10 * Math.log10(total) - TOTAL_MIN_DB) / TOTAL_BIN_DB, TOTAL_BINS)
    const r = clampBin((10 * Math.log10(hi / lo + 1e-20) - RATIO_MIN_DB) / RATIO_BIN_DB, RATIO_BINS)
    const row = (this.rows[t] ??= new Uint32Array(RATIO_BINS))
    row[r]++
  }

  verdict(): BandwidthVerdict {
    const none: BandwidthVerdict = { fullBand: false, highBandDb: -Infinity }
    if (!this.active || this.maxTotal === 0) return none
    // loud: total within 40 dB of the max, to the total bin's resolution
    const first = clampBin((10 * Math.log10(this.maxTotal) - LOUD_RANGE_DB - TOTAL_MIN_DB) / TOTAL_BIN_DB, TOTAL_BINS)
    const counts = new Float64Array(RATIO_BINS)
    let frames = 0
    for (let t = first; t < TOTAL_BINS; t++) {
      const row = this.rows[t]
      if (!row) continue
      for (let r = 0; r < RATIO_BINS; r++) counts[r] += row[r]
      frames += row.reduce((s, v) => s + v, 0)
    }
    if (frames === 0) return none
    // numpy's default (linear) percentile over the bin centres
    const valueAt = (rank: number) => {
      let seen = 0
      for (let r = 0; r < RATIO_BINS; r++) {
        seen += counts[r]
        if (seen > rank) return RATIO_MIN_DB + (r + 0.5) * RATIO_BIN_DB
      }
      return RATIO_MIN_DB + (RATIO_BINS - 0.5) * RATIO_BIN_DB
    }
    const pos = PERCENTILE * (frames - 1)
    const below = Math.floor(pos)
    const a = valueAt(below)
    const highBandDb = a + (pos - below) * (valueAt(Math.min(below + 1, frames - 1)) - a)
    return { fullBand: highBandDb >= FULL_BAND_THRESHOLD_DB, highBandDb }
  }
}

/** The verdict for a whole signal in memory: one Float32Array per channel. */
export function measureBandwidth(channels: Float32Array[], sampleRate: number): BandwidthVerdict {
  const meter = new BandwidthMeter(sampleRate, channels.length)
  meter.add(channels)
  return meter.verdict()
}
