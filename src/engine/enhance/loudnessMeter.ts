import { type Biquad, kWeightingFilters } from '../audio/loudness.ts'

/**
 * Streaming integrated loudness (ITU-R BS.1770-4: K-weighting, 400 ms blocks every 100 ms, absolute gate
 * -70 LUFS, relative gate -10 LU), so hour-long files can be measured block by block. Same filters and channel
 * weights as audio/integratedLoudness, and the same figure on a whole signal; a signal shorter than
 * one 400 ms block is measured as a single block so short clips can still be matched.
 */

interface Coefs {
  b0: number
  b1: number
  b2: number
  a1: number
  a2: number
}

function coefs(f: Biquad): Coefs {
  return { b0: f.b[0], b1: f.b[1], b2: f.b[2], a1: f.a[1], a2: f.a[2] }
}

export class LoudnessMeter {
  private readonly filters: [Coefs, Coefs]
  private readonly weights: number[]
  /** per channel: the two biquads' states (x1, x2, y1, y2 each) */
  private readonly state: Float64Array[]
  /** sums of squared K-weighted samples (all channels) per 100 ms step */
  private readonly steps: number[] = []
  private stepSum = 0
  private stepFill = 0
  private frames = 0
  private total = 0
  private peakAbs = 0

  constructor(
    readonly sampleRate: number,
    readonly channels: number
  ) {
    const [shelf, highpass] = kWeightingFilters(sampleRate)
    this.filters = [coefs(shelf), coefs(highpass)]
    // ITU order L R C LFE Ls Rs for 6 channels: LFE does not count, surrounds weigh 1.41
    this.weights = channels === 6 ? [1, 1, 1, 0, 1.41, 1.41] : new Array<number>(channels).fill(1)
    this.state = Array.from({ length: channels }, () => new Float64Array(8))
  }

  /** Frames in the 100 ms step with this index (steps of round(i*0.1*fs) boundaries, exact for any rate). */
  private stepLength(i: number): number {
    return Math.round((i + 1) * 0.1 * this.sampleRate) - Math.round(i * 0.1 * this.sampleRate)
  }

  /** Sample peak (absolute) of everything added. */
  get peak(): number {
    return this.peakAbs
  }

  add(block: Float32Array[]): void {
    const n = block[0]?.length ?? 0
    const sq = new Float64Array(n)
    const [s, h] = this.filters
    for (let c = 0; c < this.channels; c++) {
      const x = block[c]
      const weight = this.weights[c]
      const st = this.state[c]
      let [x1, x2, y1, y2, u1, u2, z1, z2] = st
      let pk = this.peakAbs
      for (let i = 0; i < n; i++) {
        const v = x[i]
        const a = v < 0 ? -v : v
        if (a > pk) pk = a
        const y = s.b0 * v + s.b1 * x1 + s.b2 * x2 - s.a1 * y1 - s.a2 * y2
        x2 = x1
        x1 = v
        y2 = y1
        y1 = y
        const z = h.b0 * y + h.b1 * u1 + h.b2 * u2 - h.a1 * z1 - h.a2 * z2
        u2 = u1
        u1 = y
        z2 = z1
        z1 = z
        sq[i] += weight * z * z
      }
      this.peakAbs = pk
      st.set([x1, x2, y1, y2, u1, u2, z1, z2])
    }
    for (let i = 0; i < n; i++) {
      this.stepSum += sq[i]
      this.total += sq[i]
      this.stepFill++
      if (this.stepFill === this.stepLength(this.steps.length)) {
        this.steps.push(this.stepSum)
        this.stepSum = 0
        this.stepFill = 0
      }
    }
    this.frames += n
  }

  /** Integrated loudness in LUFS; -Infinity for silence or nothing added. */
  loudness(): number {
    if (this.frames === 0) return -Infinity
    const energies: number[] = []
    for (let i = 0; i + 4 <= this.steps.length; i++) {
      let sum = 0
      let len = 0
      for (let j = i; j < i + 4; j++) {
        sum += this.steps[j]
        len += this.stepLength(j)
      }
      energies.push(sum / len)
    }
    if (energies.length === 0) energies.push(this.total / this.frames)
    const lufs = (e: number): number => -0.691 + 10 * Math.log10(e)
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    const absGated = energies.filter((e) => lufs(e) > -70)
    if (absGated.length === 0) return -Infinity
    const relGate = lufs(mean(absGated)) - 10
    const gated = absGated.filter((e) => lufs(e) > relGate)
    return gated.length ? lufs(mean(gated)) : -Infinity
  }
}
