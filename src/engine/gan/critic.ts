/**
 * The critic: one or more branches, each scoring a view of the waveform, averaged into one score per example.
 *   spectral branch (one per STFT resolution): log(|diffSTFT(x)| + 1e-4) [B, frames, bins], bins as channels
 *   waveform branch (one per scale): average-pool by `scale`, fold `waveformFold` samples into channels
 * Each branch: conv 'in' (features -> C), `layers` hidden residual layers h += alpha_i * conv_d(lrelu(h))
 * (d cycles 1, 2, 4, ... maxDilation), then 'head' (1x1 conv C -> 1) on lrelu(h), averaged over time.
 *
 * Incremental critic training: only the first `activeLayers` hidden layers of each branch run; the newest of them
 * is blended in with alpha = `fade` (0 -> its input passes through unchanged, 1 -> fully on).
 * Spectral norm: every layer's kernel, seen as a matrix [out, k*in], is divided by its largest singular value,
 * estimated by power iteration with a persistent vector u per layer (updated by `powerIteration`, outside the tape).
 */
import * as tf from '@tensorflow/tfjs'
import { diffLogMagnitude } from '../dsp/diffStft.ts'
import type { CriticConfig } from './config.ts'
import {
  addBias,
  biasVariable,
  conv1dSame,
  cycleDilation,
  kernelVariable,
  leakyRelu,
  padToMultiple,
  pointwise,
  SeedSequence,
  spaceToDepth,
  uniquePrefix
} from './layers.ts'

export const CRITIC_LOG_FLOOR = 1e-4

interface Branch {
  name: string
  features(x: tf.Tensor3D): tf.Tensor3D
  inChannels: number
}

export interface Critic {
  readonly config: CriticConfig
  /** '<layer>.w' / '<layer>.b' for every layer of every branch. */
  readonly variables: Map<string, tf.Variable>
  /** Spectral-norm power-iteration vectors, one per layer ('<layer>'), length = the layer's output channels. */
  readonly spectralU: Map<string, tf.Variable>
  /** The matching right singular vector estimates ('<layer>'), length k*in. */
  readonly spectralV: Map<string, tf.Variable>
  /** Layer names, in order, for all branches. */
  readonly layerNames: string[]
  readonly branchNames: string[]
  /** Hidden layers per branch when fully grown. */
  readonly totalLayers: number
  spectralNorm: boolean
  /** Hidden layers per branch in use (incremental critic); the last of them is scaled by `fade`. */
  activeLayers: number
  fade: number
  /** Conv layers in use, all branches together. */
  convLayers(): number
  /** One power-iteration step for every layer (no gradient). */
  powerIteration(iterations?: number): void
  /** [B, T, 1] -> [B]. */
  score(x: tf.Tensor3D): tf.Tensor1D
  /** The kernel as used in the forward pass (divided by its spectral-norm estimate when spectralNorm is on). */
  effectiveKernel(layer: string): tf.Tensor3D
  /** The spectral-norm estimate u^T W v of a layer's raw kernel. */
  sigma(layer: string): tf.Scalar
  /** The variables that take part in the forward pass now (inactive layers excluded). */
  trainableVariables(): tf.Variable[]
  dispose(): void
}

export function hiddenLayerName(branch: string, i: number): string {
  return `${branch}.h${String(i).padStart(3, '0')}`
}

function makeBranches(c: CriticConfig): Branch[] {
  const out: Branch[] = []
  if (c.kind !== 'waveform') {
    c.resolutions.forEach((r, i) => {
      out.push({
        name: `spec${i}`,
        inChannels: r.nFft / 2 + 1,
        features: (x) => diffLogMagnitude(x, r.nFft, r.hop, CRITIC_LOG_FLOOR)
      })
    })
  }
  if (c.kind !== 'spectral') {
    c.waveformScales.forEach((scale, i) => {
      out.push({
        name: `wave${i}`,
        inChannels: c.waveformFold,
        features: (x) =>
          tf.tidy(() => {
            let y = x
            if (scale > 1) {
              const p = padToMultiple(x, scale)
              y = tf.mean(tf.reshape(p, [p.shape[0], p.shape[1] / scale, scale]), 2, true) as tf.Tensor3D
            }
            return spaceToDepth(padToMultiple(y, c.waveformFold), c.waveformFold)
          })
      })
    })
  }
  return out
}

/**
 * fastGradients: use the fast first-order-only layer gradients (layers.ts); leave false when the critic must be
 * differentiated twice (gradient penalty).
 */
export function createCritic(config: CriticConfig, seed = 2, spectralNorm = true, fastGradients = false): Critic {
  const c = config
  const seeds = new SeedSequence(seed)
  const prefix = uniquePrefix('d')
  const vars = new Map<string, tf.Variable>()
  const us = new Map<string, tf.Variable>()
  const vs = new Map<string, tf.Variable>()
  const layerNames: string[] = []
  const branches = makeBranches(c)
  const ch = c.channels

  const layer = (name: string, k: number, cin: number, cout: number) => {
    vars.set(`${name}.w`, kernelVariable(`${prefix}${name}.w`, k, cin, cout, 1, seeds.next()))
    vars.set(`${name}.b`, biasVariable(`${prefix}${name}.b`, cout))
    const u0 = tf.tidy(() => {
      const r = tf.randomNormal([cout], 0, 1, 'float32', seeds.next())
      return tf.div(r, tf.norm(r))
    })
    us.set(name, tf.variable(u0, false, `${prefix}${name}.u`))
    const v0 = tf.zeros([k * cin])
    vs.set(name, tf.variable(v0, false, `${prefix}${name}.v`))
    tf.dispose([u0, v0])
    layerNames.push(name)
  }
  for (const br of branches) {
    layer(`${br.name}.in`, c.kernelSize, br.inChannels, ch)
    for (let i = 0; i < c.layers; i++) layer(hiddenLayerName(br.name, i), c.kernelSize, ch, ch)
    layer(`${br.name}.head`, 1, ch, 1)
  }

  const matrix = (w: tf.Tensor): tf.Tensor2D => {
    const [k, cin, cout] = w.shape
    return tf.reshape(tf.transpose(w, [2, 0, 1]), [cout, k * cin])
  }
  const rawKernel = (name: string) => vars.get(`${name}.w`) as unknown as tf.Tensor3D

  const critic: Critic = {
    config: c,
    variables: vars,
    spectralU: us,
    spectralV: vs,
    layerNames,
    branchNames: branches.map((b) => b.name),
    totalLayers: c.layers,
    spectralNorm,
    activeLayers: c.layers,
    fade: 1,
    convLayers() {
      return branches.length * (critic.activeLayers + 2)
    },
    powerIteration(iterations = 1) {
      for (const name of layerNames) {
        const u = us.get(name) as tf.Variable
        const v = vs.get(name) as tf.Variable
        const [nu, nv] = tf.tidy(() => {
          const w = matrix(rawKernel(name))
          let uu = u as tf.Tensor
          let vv = v as tf.Tensor
          for (let i = 0; i < iterations; i++) {
            const wtu = tf.reshape(tf.matMul(w, tf.reshape(uu, [-1, 1]), true, false), [-1])
            vv = tf.div(wtu, tf.add(tf.norm(wtu), 1e-12))
            const wv = tf.reshape(tf.matMul(w, tf.reshape(vv, [-1, 1])), [-1])
            uu = tf.div(wv, tf.add(tf.norm(wv), 1e-12))
          }
          return [uu, vv]
        })
        u.assign(nu)
        v.assign(nv)
        tf.dispose([nu, nv])
      }
    },
    sigma(name) {
      // u and v are constants of the power iteration: sigma = u^T W v has gradient W -> u v^T only
      return tf.tidy(() => {
        const w = matrix(rawKernel(name))
        const u = tf.reshape(us.get(name) as tf.Variable, [1, -1])
        const v = tf.reshape(vs.get(name) as tf.Variable, [-1, 1])
        return tf.reshape(tf.matMul(tf.matMul(u, w), v), [])
      })
    },
    effectiveKernel(name) {
      if (!critic.spectralNorm) return tf.clone(rawKernel(name))
      return tf.tidy(() => tf.div(rawKernel(name), critic.sigma(name)))
    },
    score(x) {
      return tf.tidy(() => {
        const kernel = (name: string) => (critic.spectralNorm ? critic.effectiveKernel(name) : rawKernel(name))
        const bias = (name: string) => vars.get(`${name}.b`) as unknown as tf.Tensor1D
        const scores: tf.Tensor1D[] = []
        for (const br of branches) {
          let h = addBias(conv1dSame(br.features(x), kernel(`${br.name}.in`), 1, fastGradients), bias(`${br.name}.in`))
          for (let i = 0; i < critic.activeLayers; i++) {
            const n = hiddenLayerName(br.name, i)
            let y = addBias(conv1dSame(leakyRelu(h, c.leak), kernel(n), cycleDilation(i, c.maxDilation), fastGradients), bias(n))
            if (i === critic.activeLayers - 1 && critic.fade < 1) y = tf.mul(y, critic.fade)
            h = tf.add(h, y)
          }
          const head = addBias(pointwise(leakyRelu(h, c.leak), kernel(`${br.name}.head`), fastGradients), bias(`${br.name}.head`))
          scores.push(tf.mean(head, [1, 2]) as tf.Tensor1D)
        }
        return (scores.length === 1 ? scores[0] : tf.div(tf.addN(scores), scores.length)) as tf.Tensor1D
      })
    },
    trainableVariables() {
      const out: tf.Variable[] = []
      for (const br of branches) {
        const names = [`${br.name}.in`, `${br.name}.head`]
        for (let i = 0; i < critic.activeLayers; i++) names.push(hiddenLayerName(br.name, i))
        for (const n of names) out.push(vars.get(`${n}.w`) as tf.Variable, vars.get(`${n}.b`) as tf.Variable)
      }
      return out
    },
    dispose() {
      for (const v of vars.values()) v.dispose()
      for (const v of us.values()) v.dispose()
      for (const v of vs.values()) v.dispose()
      vars.clear()
      us.clear()
      vs.clear()
    }
  }
  // warm up the power iteration so that the first steps already see a good estimate
  critic.powerIteration(20)
  return critic
}
