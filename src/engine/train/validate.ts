/** Validation at checkpoints: the generator on held-out pairs, scored against their real clips. */
import * as tf from '@tensorflow/tfjs'
import type { Generator } from '../gan/generator.ts'
import { computeMetrics, type Metrics } from '../metrics/index.ts'
import type { Pair } from './data.ts'

export function validate(generator: Generator, pairs: Pair[], sampleRate: number, maxClips: number, maxSeconds: number): Partial<Metrics> | undefined {
  const use = pairs.slice(0, maxClips)
  if (use.length === 0) return undefined
  const sums = { lsd: 0, mcd: 0, stoi: 0 }
  let n = 0
  for (const p of use) {
    const len = Math.min(p.synthetic.length, Math.round(maxSeconds * sampleRate))
    const out = tf.tidy(() => generator.apply(tf.tensor3d(p.synthetic.subarray(0, len), [1, len, 1]), [p.fullBand]))
    const est = out.dataSync() as Float32Array
    out.dispose()
    const m = computeMetrics(p.real.subarray(0, len), est, sampleRate)
    if (![m.lsd, m.mcd, m.stoi].every(Number.isFinite)) continue
    sums.lsd += m.lsd
    sums.mcd += m.mcd
    sums.stoi += m.stoi
    n++
  }
  if (n === 0) return undefined
  return { lsd: sums.lsd / n, mcd: sums.mcd / n, stoi: sums.stoi / n }
}
