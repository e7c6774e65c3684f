/**
 * Losses of the GAN.
 *
 * Deviation (what the deviation threshold tau applies to): for each STFT resolution r (reconstruction.resolutions;
 * periodic Hann, centred frames, see dsp/diffStft.ts) and every time-frequency bin,
 *     deviation = | ln(|STFT_r(out)| + 1e-4) - ln(|STFT_r(in)| + 1e-4) |
 * i.e. the absolute log-magnitude ratio of output to input in nepers (0.1 ~ a 10% magnitude change, ~0.87 dB).
 * Phase is ignored, so phase-only changes cost nothing; the 1e-4 floor (-80 dB re. a full-scale sinusoid's 0.5)
 * keeps near-silent bins from dominating. All resolutions' bins are concatenated per example; with hop = nFft/4
 * every resolution contributes about the same number of bins.
 *     reconstruction = mean over bins and examples of max(0, deviation - tau)
 *     overThreshold  = fraction of bins with deviation > tau
 * Paired loss (when a batch carries the paired real clip): mean over bins of |ln(|S(out)|+1e-4) - ln(|S(paired)|+1e-4)|.
 * Paired mel loss (HiFi-GAN's mel term, made relative): per example, melDist(a, b) = mean over mel bands and frames
 * of |ln(M|S(a)|+1e-6) - ln(M|S(b)|+1e-6)|, S the 1024/256 STFT, M 80 Slaney mel bands with each row scaled to sum 1
 * (a band's mean magnitude); then
 *     pairedMel = mean over examples of melDist(out, paired) / (melDist(in, paired) + 0.01)
 * so 1 is "as far from the real clip as the input was" and 0.6 is 40 % closer. Mel bands compare spectral
 * envelopes, not harmonics within a band, so the generator is not pushed to chase fine structure it cannot know
 * (Griffin-Lim or codec input). Dividing by the input's own distance weighs every example by how much it can gain:
 * without it, inputs far from real (band-limited) dominate the mean and a change that helps them but harms inputs
 * already close (full-band) costs little.
 *
 * Adversarial losses, on raw critic scores D(.):
 *   wasserstein  D: mean D(fake) - mean D(real)                       G: -mean D(fake)
 *   bce          D: mean softplus(-D(real)) + mean softplus(D(fake))   G: mean softplus(-D(fake))  (non-saturating)
 *   hinge        D: mean relu(1 - D(real)) + mean relu(1 + D(fake))    G: -mean D(fake)
 */
import * as tf from '@tensorflow/tfjs'
import { diffLogMagnitude, diffStftMagnitude } from '../dsp/diffStft.ts'
import { melFilterbank } from '../dsp/mel.ts'
import type { GanConfig, StftResolution } from './config.ts'

export const DEVIATION_FLOOR = 1e-4

export type AdversarialLoss = GanConfig['loss']

/** Log magnitudes of all resolutions, flattened and concatenated: [B, bins]. */
export function logSpectra(x: tf.Tensor3D, resolutions: StftResolution[]): tf.Tensor2D {
  return tf.tidy(() => {
    const b = x.shape[0]
    const parts = resolutions.map((r) => tf.reshape(diffLogMagnitude(x, r.nFft, r.hop, DEVIATION_FLOOR), [b, -1]))
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D
  })
}

const MEL_LOSS = { nFft: 1024, hop: 256, mels: 80, floor: 1e-6 }

const melBanks = new Map<number, tf.Tensor2D>()

/** [bins, mels], rows of the Slaney filterbank scaled to sum 1; cached per sample rate (kept alive). */
function melBank(sampleRate: number): tf.Tensor2D {
  let m = melBanks.get(sampleRate)
  if (!m) {
    const rows = melFilterbank(sampleRate, MEL_LOSS.nFft, MEL_LOSS.mels).map((r) => {
      const sum = r.reduce((a, v) => a + v, 0)
      return Array.from(r, (v) => v / sum)
    })
    m = tf.keep(tf.transpose(tf.tensor2d(rows)))
    melBanks.set(sampleRate, m)
  }
  return m
}

/** ln(M|S(x)| + 1e-6): [B * frames, mels] (see the header). */
export function logMel(x: tf.Tensor3D, sampleRate: number): tf.Tensor2D {
  return tf.tidy(() => {
    const mag = diffStftMagnitude(x, MEL_LOSS.nFft, MEL_LOSS.hop)
    const flat = tf.reshape(mag, [-1, MEL_LOSS.nFft / 2 + 1]) as tf.Tensor2D
    return tf.log(tf.add(tf.matMul(flat, melBank(sampleRate)), MEL_LOSS.floor))
  })
}

/** pairedMel of the header: mean_b melDist(out_b, paired_b) / (melDist(in_b, paired_b) + 0.01). */
export function relativeMelDistance(out: tf.Tensor3D, input: tf.Tensor3D, paired: tf.Tensor3D, sampleRate: number): tf.Scalar {
  return tf.tidy(() => {
    const b = out.shape[0]
    const target = logMel(paired, sampleRate)
    const dist = (x: tf.Tensor3D) => tf.mean(tf.reshape(tf.abs(tf.sub(logMel(x, sampleRate), target)), [b, -1]), 1)
    return tf.mean(tf.div(dist(out), tf.add(dist(input), 0.01))) as tf.Scalar
  })
}

/** |ln(|S(x)|+1e-4) - ln(|S(y)|+1e-4)| over the resolutions, [B, bins] (see the header). */
export function deviationOver(x: tf.Tensor3D, y: tf.Tensor3D, resolutions: StftResolution[]): tf.Tensor2D {
  return tf.tidy(() => tf.abs(tf.sub(logSpectra(x, resolutions), logSpectra(y, resolutions))))
}

/** mean(max(0, deviation - tau)). */
export function hingeReconstruction(dev: tf.Tensor, tau: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.relu(tf.sub(dev, tau))))
}

/** Fraction of bins with deviation > tau (not differentiable; a statistic). */
export function fractionOver(dev: tf.Tensor, tau: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.greater(dev, tau), 'float32')))
}

export function criticLoss(kind: AdversarialLoss, real: tf.Tensor1D, fake: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    switch (kind) {
      case 'wasserstein':
        return tf.sub(tf.mean(fake), tf.mean(real))
      case 'bce':
        return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake)))
      case 'hinge':
        return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake))))
    }
  })
}

export function generatorAdversarialLoss(kind: AdversarialLoss, fake: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => (kind === 'bce' ? tf.mean(tf.softplus(tf.neg(fake))) : tf.neg(tf.mean(fake))))
}

/**
 * WGAN-GP penalty: weight * mean_b (||dD(xhat_b)/dxhat_b|| - 1)^2 at xhat = e*real + (1-e)*fake, e ~ U(0,1) per
 * example. The input gradient is taken inside the caller's tape (double backprop), so the penalty's own gradient
 * reaches D's weights.
 */
export function gradientPenalty(
  score: (x: tf.Tensor3D) => tf.Tensor1D,
  real: tf.Tensor3D,
  fake: tf.Tensor3D,
  e: tf.Tensor3D,
  weight: number
): tf.Scalar {
  return tf.tidy(() => {
    const xhat = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake)) as tf.Tensor3D
    const g = tf.grad((x: tf.Tensor) => tf.sum(score(x as tf.Tensor3D)))(xhat)
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(g), [1, 2]), 1e-12))
    return tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), weight)
  })
}

/** sum of squares of all given variables. */
export function sumOfSquares(vars: tf.Variable[]): tf.Scalar {
  return tf.tidy(() => (vars.length === 0 ? tf.scalar(0) : tf.addN(vars.map((v) => tf.sum(tf.square(v))))) as tf.Scalar)
}
