/**
 * Checkpoint state of a GAN as named tensors. Names:
 *   g/<var>, d/<var>                 generator and critic weights ('<layer>.w', '<layer>.b')
 *   sn/<layer>/u, sn/<layer>/v       spectral-norm power-iteration vectors
 *   optG/m/<var>, optG/v/<var>, optG/t, and the same for optD   Adam moments and update counts
 *   rng                              the gradient-penalty random stream (int32)
 *   replay                           the FARGAN-replay buffer, when there is one
 * The step count travels beside the tensors (restoreGanTensors' `step`).
 */
import * as tf from '@tensorflow/tfjs'
import type { Adam } from './adam.ts'
import type { Gan } from './gan.ts'
import { applySchedule } from './schedule.ts'

function trackedVariables(gan: Gan): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>()
  for (const [n, v] of gan.generator.variables) out.set(`g/${n}`, v)
  for (const [n, v] of gan.critic.variables) out.set(`d/${n}`, v)
  for (const [n, v] of gan.critic.spectralU) out.set(`sn/${n}/u`, v)
  for (const [n, v] of gan.critic.spectralV) out.set(`sn/${n}/v`, v)
  const opt = (prefix: string, a: Adam) => {
    for (const [n, v] of a.m) out.set(`${prefix}/m/${n}`, v)
    for (const [n, v] of a.v) out.set(`${prefix}/v/${n}`, v)
  }
  opt('optG', gan.optG)
  opt('optD', gan.optD)
  return out
}

/** Everything a checkpoint needs, as fresh copies (the caller disposes them). */
export function ganTensors(gan: Gan): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>()
  for (const [n, v] of trackedVariables(gan)) out.set(n, tf.clone(v))
  out.set('optG/t', tf.scalar(gan.optG.t, 'int32'))
  out.set('optD/t', tf.scalar(gan.optD.t, 'int32'))
  out.set('rng', tf.scalar(gan.rngState | 0, 'int32'))
  if (gan.replayBuffer) out.set('replay', tf.clone(gan.replayBuffer))
  return out
}

/** Restores what ganTensors saved; throws naming the first missing or mis-shaped tensor. */
export function restoreGanTensors(gan: Gan, t: Map<string, tf.Tensor>, step: number): void {
  const vars = trackedVariables(gan)
  const get = (name: string, shape: number[]) => {
    const x = t.get(name)
    if (!x) throw new Error(`checkpoint tensor "${name}" is missing`)
    if (x.shape.length !== shape.length || x.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`checkpoint tensor "${name}" has shape [${x.shape.join(', ')}], expected [${shape.join(', ')}]`)
    }
    return x
  }
  for (const [n, v] of vars) get(n, v.shape)
  for (const n of ['optG/t', 'optD/t', 'rng']) get(n, [])
  for (const [n, v] of vars) tf.tidy(() => v.assign(tf.cast(get(n, v.shape), 'float32')))
  gan.optG.t = get('optG/t', []).dataSync()[0]
  gan.optD.t = get('optD/t', []).dataSync()[0]
  gan.rngState = get('rng', []).dataSync()[0] >>> 0
  gan.replayBuffer?.dispose()
  const replay = t.get('replay')
  gan.replayBuffer = replay && replay.rank === 3 ? (tf.clone(replay) as tf.Tensor3D) : null
  gan.step = step
  applySchedule(gan)
}
