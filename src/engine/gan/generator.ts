/**
 * The generator: a residual dilated 1-D conv net on the waveform.
 *
 *   x [B, T, 1] --fold by `downsample` (space-to-depth)--> [B, T/s, s] --conv(ioKernel)--> [B, T/s, C]
 *     --> blocks x { h += W2 * lrelu(dilatedConv(lrelu(h), d)) }      (d cycles 1, 2, 4, ... maxDilation)
 *     --> lrelu --> conv(ioKernel) to s channels --> unfold (sub-pixel) --> residual r [B, T, 1]
 *   output = x + r
 *
 * The deep stack runs at the low rate T/s, which keeps enhancement cheap. The output conv is zero-initialised,
 * so a fresh generator is exactly the identity. Its layers use the fast first-order gradients of layers.ts (the
 * generator is never differentiated twice). Outputs depend on the phase of a sample within its frame of
 * `stride` samples: when processing a long signal in chunks, start chunks at multiples of `stride`.
 */
import * as tf from '@tensorflow/tfjs'
import type { GeneratorConfig } from './config.ts'
import { generatorConvLayers } from './config.ts'
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

export interface Generator {
  readonly config: GeneratorConfig
  /** Weights by name (e.g. 'in.w', 'block03.dil.w', 'out.b'); insertion order is the layer order. */
  readonly variables: Map<string, tf.Variable>
  /** [B, T, 1] -> [B, T, 1]; output = input + learned residual. */
  apply(x: tf.Tensor3D): tf.Tensor3D
  /** Samples of context each side that influence an output sample. */
  readonly receptiveField: number
  /** Chunk starts must be multiples of this for chunked processing to equal whole-signal processing. */
  readonly stride: number
  /** Number of conv layers. */
  readonly convLayers: number
  /** Multiply-adds x 2 per second of audio at `sampleRate`. */
  flopsPerSecond(sampleRate: number): number
  dispose(): void
}

export function generatorReceptiveField(c: GeneratorConfig): number {
  let frames = 2 * ((c.ioKernelSize - 1) / 2)
  for (let i = 0; i < c.blocks; i++) frames += cycleDilation(i, c.maxDilation) * ((c.kernelSize - 1) / 2)
  return (frames + 1) * c.downsample
}

export function generatorFlopsPerSecond(c: GeneratorConfig, sampleRate: number): number {
  const s = c.downsample
  const ch = c.channels
  const perFrame = 2 * (c.ioKernelSize * s * ch + c.blocks * (c.kernelSize * ch * ch + ch * ch) + c.ioKernelSize * ch * s)
  return (perFrame * sampleRate) / s
}

export function createGenerator(config: GeneratorConfig, seed = 1): Generator {
  const c = config
  const seeds = new SeedSequence(seed)
  const prefix = uniquePrefix('g')
  const vars = new Map<string, tf.Variable>()
  const add = (name: string, v: tf.Variable) => vars.set(name, v)
  const kernel = (name: string, k: number, cin: number, cout: number, gain: number) =>
    add(`${name}.w`, kernelVariable(prefix + name + '.w', k, cin, cout, gain, seeds.next()))
  const bias = (name: string, n: number) => add(`${name}.b`, biasVariable(prefix + name + '.b', n))

  const s = c.downsample
  const ch = c.channels
  kernel('in', c.ioKernelSize, s, ch, 1)
  bias('in', ch)
  // Each residual branch adds variance; scaling its last layer by 1/sqrt(blocks) keeps deep stacks stable.
  const branchGain = 1 / Math.sqrt(Math.max(1, c.blocks))
  for (let i = 0; i < c.blocks; i++) {
    const n = blockName(i)
    kernel(`${n}.dil`, c.kernelSize, ch, ch, 1)
    bias(`${n}.dil`, ch)
    kernel(`${n}.mix`, 1, ch, ch, branchGain)
    bias(`${n}.mix`, ch)
  }
  kernel('out', c.ioKernelSize, ch, s, 0)
  bias('out', s)

  const w = (name: string) => vars.get(name) as unknown as tf.Tensor3D
  const b = (name: string) => vars.get(name) as unknown as tf.Tensor1D

  function apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, t, chIn] = x.shape
      if (chIn !== 1) throw new Error(`generator expects [B, T, 1], got [${x.shape.join(', ')}]`)
      const xp = padToMultiple(x, s)
      const tp = xp.shape[1]
      let h = addBias(conv1dSame(spaceToDepth(xp, s), w('in.w'), 1, true), b('in.b'))
      for (let i = 0; i < c.blocks; i++) {
        const n = blockName(i)
        let r = addBias(conv1dSame(leakyRelu(h, c.leak), w(`${n}.dil.w`), cycleDilation(i, c.maxDilation), true), b(`${n}.dil.b`))
        r = addBias(pointwise(leakyRelu(r, c.leak), w(`${n}.mix.w`), true), b(`${n}.mix.b`))
        h = tf.add(h, r)
      }
      const frames = addBias(conv1dSame(leakyRelu(h, c.leak), w('out.w'), 1, true), b('out.b'))
      let residual = tf.reshape(frames, [batch, tp, 1]) as tf.Tensor3D
      if (tp > t) residual = tf.slice(residual, [0, 0, 0], [batch, t, 1])
      return tf.add(x, residual)
    })
  }

  return {
    config: c,
    variables: vars,
    apply,
    receptiveField: generatorReceptiveField(c),
    stride: s,
    convLayers: generatorConvLayers(c),
    flopsPerSecond: (rate: number) => generatorFlopsPerSecond(c, rate),
    dispose() {
      for (const v of vars.values()) v.dispose()
      vars.clear()
    }
  }
}

function blockName(i: number): string {
  return `block${String(i).padStart(3, '0')}`
}

/** Total number of weights. */
export function parameterCount(g: { variables: Map<string, tf.Variable> }): number {
  let n = 0
  for (const v of g.variables.values()) n += v.size
  return n
}
