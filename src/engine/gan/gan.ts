/**
 * The GAN: generator + critic + their optimisers, one training step at a time.
 *
 * ganStep = (criticSteps x critic update) + one generator update:
 *   critic: power-iterate spectral norms; loss = adversarial(D(real'), D(G(synthetic))) [+ gradient penalty]
 *           [+ l2D * sum w^2]; Adam; [clip weights]. real' = real with the FARGAN-replay samples put in.
 *   generator: loss = adversarialWeight * adversarial(D(G(x))) + weight * reconstruction(G(x), x) [+ pairedWeight
 *           * paired + pairedMelWeight * pairedMel] [+ l2G * sum w^2]; Adam on all its weights, or on those named
 *           by optimizer.trainOnlyG.   (see losses.ts for what reconstruction/deviation are)
 * "FARGAN replay" is Dulcet's replay technique (the fakes the critic scored highest in step t replace a fraction
 * of the real batch in step t+1); it is unrelated to the FARGAN vocoder of Valin et al.
 */
import * as tf from '@tensorflow/tfjs'
import { Adam } from './adam.ts'
import { defaultGanConfig, type GanConfig, type StftResolution } from './config.ts'
import { createCritic, type Critic } from './critic.ts'
import { createGenerator, type Generator } from './generator.ts'
import {
  criticLoss,
  deviationOver,
  fractionOver,
  generatorAdversarialLoss,
  gradientPenalty,
  hingeReconstruction,
  logSpectra,
  relativeMelDistance,
  sumOfSquares
} from './losses.ts'
import { applySchedule } from './schedule.ts'
import { layerNorms, layerWeightNorms, nextRandom, replayCount, topIndices } from './stepUtils.ts'

export { ganTensors, restoreGanTensors } from './state.ts'
export { criticSchedule } from './schedule.ts'

export interface Gan {
  config: GanConfig
  generator: Generator
  /** The generator weights each step trains (all, or those optimizer.trainOnlyG names). */
  trainedG: Map<string, tf.Variable>
  critic: Critic
  /** Steps completed. */
  step: number
  optG: Adam
  optD: Adam
  /** FARGAN replay: the fakes the critic scored highest in the last step, to join the next real batch. */
  replayBuffer: tf.Tensor3D | null
  /** FARGAN replay: what was put into the real batch in the last step (indices of the replaced examples). */
  lastReplay: { indices: number[]; sample: tf.Tensor3D } | null
  /** Critic scores of the fakes in the last critic update of the last step. */
  lastFakeScores: number[]
  /** State of the random stream of the gradient penalty's interpolation. */
  rngState: number
  dispose(): void
}

export interface Batch {
  synthetic: tf.Tensor3D
  real: tf.Tensor3D
  pairedReal?: tf.Tensor3D
  /** Per example, whether its synthetic clip is full-band (for a generator with bandCondition). */
  fullBand?: readonly boolean[]
}
export interface LiveSettings {
  threshold: number
  weight: number
  lrScale: number
}
export interface StepStats {
  /** Steps completed after this one (the first step reports 1). */
  step: number
  lossD: number
  lossG: number
  adversarial: number
  reconstruction: number
  paired: number
  /** The paired mel term (before pairedMelWeight); 0 without paired clips or when pairedMelWeight is 0. */
  pairedMel: number
  dReal: number
  dFake: number
  gap: number
  threshold: number
  weight: number
  overThreshold: number
  criticLayers: number
  fade: number
  replayed: boolean
  gradNormG: Record<string, number>
  gradNormD: Record<string, number>
  weightNormG: Record<string, number>
  /** Spectral-norm estimates of the critic's raw kernels when spectral norm is on, else Frobenius norms. */
  weightNormD: Record<string, number>
}

/** The generator weights a step trains: all, or those whose names start with one of optimizer.trainOnlyG. */
function trainedGeneratorVariables(generator: Generator, trainOnly: string[]): Map<string, tf.Variable> {
  if (trainOnly.length === 0) return generator.variables
  const names = [...generator.variables.keys()]
  for (const p of trainOnly) {
    if (!names.some((n) => n.startsWith(p))) {
      throw new Error(`optimizer.trainOnlyG: no generator weight starts with "${p}" (weights: ${[...new Set(names.map((n) => n.split('.')[0]))].join(', ')})`)
    }
  }
  return new Map([...generator.variables].filter(([n]) => trainOnly.some((p) => n.startsWith(p))))
}

export function createGan(config: GanConfig, seed = 1): Gan {
  const generator = createGenerator(config.generator, seed, config.sampleRate)
  let trainedG: Map<string, tf.Variable>
  try {
    trainedG = trainedGeneratorVariables(generator, config.optimizer.trainOnlyG)
  } catch (e) {
    generator.dispose()
    throw e
  }
  const critic = createCritic(config.critic, seed + 7919, config.regularization.spectralNorm, config.regularization.gradientPenalty === 0)
  const o = config.optimizer
  const gan: Gan = {
    config,
    generator,
    trainedG,
    critic,
    step: 0,
    optG: new Adam(generator.variables, o.beta1, o.beta2),
    optD: new Adam(critic.variables, o.beta1, o.beta2),
    replayBuffer: null,
    lastReplay: null,
    lastFakeScores: [],
    rngState: (seed * 2654435761) >>> 0,
    dispose() {
      generator.dispose()
      critic.dispose()
      gan.optG.dispose()
      gan.optD.dispose()
      gan.replayBuffer?.dispose()
      gan.lastReplay?.sample.dispose()
    }
  }
  applySchedule(gan)
  return gan
}

/** Deviation of y from x (see losses.ts): [B, bins] of |ln(|S(y)|+1e-4) - ln(|S(x)|+1e-4)| over the resolutions. */
export function deviation(x: tf.Tensor3D, y: tf.Tensor3D, resolutions?: StftResolution[]): tf.Tensor {
  return deviationOver(y, x, resolutions ?? defaultGanConfig().reconstruction.resolutions)
}

function checkBatch(batch: Batch): void {
  const s = batch.synthetic.shape
  const same = (t: tf.Tensor3D) => t.shape.length === 3 && t.shape.every((d, i) => d === s[i])
  if (s[2] !== 1) throw new Error(`batch.synthetic must be [B, T, 1], got [${s.join(', ')}]`)
  if (!same(batch.real)) throw new Error(`batch.real [${batch.real.shape.join(', ')}] must match batch.synthetic [${s.join(', ')}]`)
  if (batch.pairedReal && !same(batch.pairedReal)) throw new Error('batch.pairedReal must match batch.synthetic')
}

/** Puts the replay buffer into the last examples of the real batch; returns the batch to use. */
function mixReplay(gan: Gan, real: tf.Tensor3D): { real: tf.Tensor3D; replayed: boolean } {
  gan.lastReplay?.sample.dispose()
  gan.lastReplay = null
  const buf = gan.replayBuffer
  if (!gan.config.farganReplay.enabled || !buf || buf.shape[1] !== real.shape[1]) return { real, replayed: false }
  const [b, t] = real.shape
  const k = Math.min(b, buf.shape[0])
  const sample = tf.slice(buf, [0, 0, 0], [k, t, 1])
  const mixed = k === b ? tf.clone(sample) : tf.tidy(() => tf.concat([tf.slice(real, [0, 0, 0], [b - k, t, 1]), sample], 0))
  gan.lastReplay = { indices: Array.from({ length: k }, (_, i) => b - k + i), sample }
  return { real: mixed, replayed: true }
}

function renamed(grads: tf.NamedTensorMap, vars: Map<string, tf.Variable>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>()
  for (const [name, v] of vars) if (grads[v.name]) out.set(name, grads[v.name])
  return out
}

export function ganStep(gan: Gan, batch: Batch, live: LiveSettings): StepStats {
  checkBatch(batch)
  const c = gan.config
  const reg = c.regularization
  const { generator: g, critic: d } = gan
  applySchedule(gan)
  const { real, replayed } = mixReplay(gan, batch.real)
  const fake = tf.tidy(() => g.apply(batch.synthetic, batch.fullBand))
  const b = fake.shape[0]

  let lossD = 0
  let dReal = 0
  let dFake = 0
  let gradNormD: Record<string, number> = {}
  for (let s = 0; s < c.optimizer.criticSteps; s++) {
    if (d.spectralNorm) d.powerIteration(1)
    const dVars = d.trainableVariables()
    const seed = nextRandom(gan)
    let kept: tf.Tensor[] = []
    const { value, grads } = tf.variableGrads(() => {
      const sr = d.score(real)
      const sf = d.score(fake)
      let loss = criticLoss(c.loss, sr, sf)
      if (reg.gradientPenalty > 0) {
        const e = tf.randomUniform([b, 1, 1], 0, 1, 'float32', seed) as tf.Tensor3D
        loss = tf.add(loss, gradientPenalty((x) => d.score(x), real, fake, e, reg.gradientPenalty))
      }
      if (reg.l2D > 0) loss = tf.add(loss, tf.mul(sumOfSquares(dVars), reg.l2D))
      kept = [tf.keep(tf.mean(sr)), tf.keep(tf.mean(sf)), tf.keep(sf)]
      return loss as tf.Scalar
    }, dVars)
    const named = renamed(grads, d.variables)
    gan.optD.apply(named, c.optimizer.lrD * live.lrScale)
    if (reg.weightClip !== null) {
      const w = reg.weightClip
      for (const v of d.variables.values()) tf.tidy(() => v.assign(tf.clipByValue(v, -w, w)))
    }
    lossD = value.dataSync()[0]
    dReal = kept[0].dataSync()[0]
    dFake = kept[1].dataSync()[0]
    gan.lastFakeScores = Array.from(kept[2].dataSync())
    if (s === c.optimizer.criticSteps - 1) gradNormD = layerNorms(named)
    tf.dispose([value, ...Object.values(grads), ...kept])
  }

  if (c.farganReplay.enabled) {
    const k = replayCount(b, c.farganReplay.fraction)
    const idx = topIndices(gan.lastFakeScores, k)
    gan.replayBuffer?.dispose()
    gan.replayBuffer = tf.tidy(() => tf.gather(fake, tf.tensor1d(idx, 'int32')))
  }
  fake.dispose()
  if (real !== batch.real) real.dispose()

  const tau = live.threshold
  let parts: tf.Tensor[] = []
  const gVarMap = gan.trainedG
  const { value: lossGT, grads: gGrads } = tf.variableGrads(() => {
    const out = g.apply(batch.synthetic, batch.fullBand)
    const adv = c.adversarialWeight > 0 ? generatorAdversarialLoss(c.loss, d.score(out)) : tf.scalar(0)
    const dev = deviationOver(out, batch.synthetic, c.reconstruction.resolutions)
    const rec = hingeReconstruction(dev, tau)
    let loss = tf.add(tf.mul(adv, c.adversarialWeight), tf.mul(rec, live.weight))
    let paired = tf.scalar(0)
    let pairedMel = tf.scalar(0)
    if (batch.pairedReal) {
      const rs = c.reconstruction.resolutions
      paired = tf.mean(tf.abs(tf.sub(logSpectra(out, rs), logSpectra(batch.pairedReal, rs))))
      if (c.pairedWeight > 0) loss = tf.add(loss, tf.mul(paired, c.pairedWeight))
      if (c.pairedMelWeight > 0) {
        pairedMel = relativeMelDistance(out, batch.synthetic, batch.pairedReal, c.sampleRate)
        loss = tf.add(loss, tf.mul(pairedMel, c.pairedMelWeight))
      }
    }
    if (reg.l2G > 0) loss = tf.add(loss, tf.mul(sumOfSquares([...gVarMap.values()]), reg.l2G))
    parts = [tf.keep(adv), tf.keep(rec), tf.keep(paired), tf.keep(pairedMel), tf.keep(fractionOver(dev, tau))]
    return loss as tf.Scalar
  }, [...gVarMap.values()])
  const namedG = renamed(gGrads, gVarMap)
  gan.optG.apply(namedG, c.optimizer.lrG * live.lrScale)
  const [adversarial, reconstruction, paired, pairedMel, overThreshold] = parts.map((p) => p.dataSync()[0])
  const lossG = lossGT.dataSync()[0]
  const gradNormG = layerNorms(namedG)
  tf.dispose([lossGT, ...Object.values(gGrads), ...parts])

  gan.step += 1
  return {
    step: gan.step,
    lossD,
    lossG,
    adversarial,
    reconstruction,
    paired,
    pairedMel,
    dReal,
    dFake,
    gap: dReal - dFake,
    threshold: tau,
    weight: live.weight,
    overThreshold,
    criticLayers: d.activeLayers,
    fade: d.fade,
    replayed,
    gradNormG,
    gradNormD,
    weightNormG: layerWeightNorms(g.variables),
    weightNormD: criticWeightNorms(d)
  }
}

function criticWeightNorms(d: Critic): Record<string, number> {
  if (!d.spectralNorm) return layerWeightNorms(d.variables)
  const active = new Set(d.trainableVariables())
  const names = d.layerNames.filter((n) => active.has(d.variables.get(`${n}.w`) as tf.Variable))
  const sig = tf.tidy(() => tf.stack(names.map((n) => d.sigma(n))))
  const data = sig.dataSync()
  sig.dispose()
  const out: Record<string, number> = {}
  names.forEach((n, i) => (out[n] = data[i]))
  return out
}
