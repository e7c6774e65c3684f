/**
 * The generator: a residual dilated 1-D conv net on the waveform.
 *
 *   x [B, T, 1] --fold by `downsample` (space-to-depth)--> [B, T/s, s] [++ spectrum] [++ band] --conv(ioKernel)--> [B, T/s, C]
 *     --> blocks x { h += W2 * lrelu(dilatedConv(lrelu(h), d)) }      (d cycles 1, 2, 4, ... maxDilation)
 *     --> lrelu --> conv(ioKernel) to s channels [x gate per frame] --> unfold (sub-pixel)
 *     --> residual r [B, T, 1]
 *   output = x + r [+ fir(x)]          (fir: an optional linear full-rate FIR, firTaps > 0; with the output gate g
 *                                       it is weighted by 1 - g; r may be high-passed: residualHighpassHz)
 *
 * The deep stack runs at the low rate T/s, which keeps enhancement cheap. The output conv is zero-initialised,
 * so a fresh generator is exactly the identity. Its layers use the fast first-order gradients of layers.ts (the
 * generator is never differentiated twice). Outputs depend on the phase of a sample within its frame of
 * `stride` samples: when processing a long signal in chunks, start chunks at multiples of `stride`.
 */
import * as tf from '@tensorflow/tfjs'
import { stftKernel } from '../dsp/diffStft.ts'
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
  /**
   * [B, T, 1] -> [B, T, 1]; output = input + learned residual. fullBand: for each example, whether its whole
   * signal is full-band (dsp/bandwidth.ts); required when the config has bandCondition, ignored otherwise.
   */
  apply(x: tf.Tensor3D, fullBand?: readonly boolean[]): tf.Tensor3D
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

/** Taps of the fixed residual high-pass (odd; Blackman-windowed sinc: transition about 700 Hz wide at 16 kHz, side lobes near -75 dB). */
const HIGHPASS_TAPS = 127
const highpassKernels = new Map<string, tf.Tensor3D>()

function highpassKernel(cutoffHz: number, sampleRate: number): tf.Tensor3D {
  const key = `${cutoffHz}/${sampleRate}`
  let k = highpassKernels.get(key)
  if (!k) {
    const n = HIGHPASS_TAPS
    const fc = cutoffHz / sampleRate
    const h = new Float32Array(n)
    const mid = (n - 1) / 2
    for (let i = 0; i < n; i++) {
      const t = i - mid
      const lowpass = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t)
      const win = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (n - 1))
      h[i] = (t === 0 ? 1 : 0) - lowpass * win
    }
    k = tf.keep(tf.tensor3d(h, [n, 1, 1]))
    highpassKernels.set(key, k)
  }
  return k
}

/**
 * The gate's logit is GATE_GAIN x (1x1 conv + bias): Adam moves a weight by about lr per step whatever its
 * gradient's scale, so the gain lets the gate open or close within a few hundred steps.
 */
const GATE_GAIN = 8

/** The gate reads the frame's input spectrum when there is one (which bands are present), else the last hidden state; and the band input. */
function gateInputs(c: GeneratorConfig): number {
  return (c.inputSpectrum > 0 ? spectrumBins(c) : c.channels) + bandInputs(c)
}

function bandInputs(c: GeneratorConfig): number {
  return c.bandCondition ? 1 : 0
}

/** Bins of the per-frame input spectrum (0 without one). */
function spectrumBins(c: GeneratorConfig): number {
  return c.inputSpectrum > 0 ? c.inputSpectrum / 2 + 1 : 0
}

export function generatorReceptiveField(c: GeneratorConfig): number {
  // the spectrum window reaches (inputSpectrum - downsample) / 2 samples past its frame on each side
  let frames = 2 * ((c.ioKernelSize - 1) / 2) + Math.ceil(Math.max(0, c.inputSpectrum - c.downsample) / 2 / c.downsample)
  for (let i = 0; i < c.blocks; i++) frames += cycleDilation(i, c.maxDilation) * ((c.kernelSize - 1) / 2)
  const highpass = c.residualHighpassHz > 0 ? (HIGHPASS_TAPS - 1) / 2 : 0
  return Math.max((frames + 1) * c.downsample + highpass, (c.firTaps - 1) / 2)
}

export function generatorFlopsPerSecond(c: GeneratorConfig, sampleRate: number): number {
  const s = c.downsample
  const ch = c.channels
  const spectrum = c.inputSpectrum * 2 * spectrumBins(c)
  const gate = c.outputGate ? gateInputs(c) : 0
  const perFrame = 2 * (spectrum + gate + c.ioKernelSize * (s + spectrumBins(c) + bandInputs(c)) * ch + c.blocks * (c.kernelSize * ch * ch + ch * ch) + c.ioKernelSize * ch * s)
  const highpass = c.residualHighpassHz > 0 ? HIGHPASS_TAPS : 0
  return (perFrame * sampleRate) / s + 2 * (c.firTaps + highpass) * sampleRate
}

/** sampleRate: the rate the generator runs at (only the residual high-pass depends on it). */
export function createGenerator(config: GeneratorConfig, seed = 1, sampleRate = 16000): Generator {
  const c = config
  if (c.residualHighpassHz >= sampleRate / 2) {
    throw new RangeError(`residualHighpassHz ${c.residualHighpassHz} must be below half the sample rate (${sampleRate / 2} Hz)`)
  }
  const seeds = new SeedSequence(seed)
  const prefix = uniquePrefix('g')
  const vars = new Map<string, tf.Variable>()
  const add = (name: string, v: tf.Variable) => vars.set(name, v)
  const kernel = (name: string, k: number, cin: number, cout: number, gain: number) =>
    add(`${name}.w`, kernelVariable(prefix + name + '.w', k, cin, cout, gain, seeds.next()))
  const bias = (name: string, n: number) => add(`${name}.b`, biasVariable(prefix + name + '.b', n))

  const s = c.downsample
  const ch = c.channels
  kernel('in', c.ioKernelSize, s + spectrumBins(c) + bandInputs(c), ch, 1)
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
  if (c.firTaps > 0) kernel('fir', c.firTaps, 1, 1, 0)
  if (c.outputGate) {
    kernel('gate', 1, gateInputs(c), 1, 0)
    bias('gate', 1)
  }

  const w = (name: string) => vars.get(name) as unknown as tf.Tensor3D
  const b = (name: string) => vars.get(name) as unknown as tf.Tensor1D

  function apply(x: tf.Tensor3D, fullBand?: readonly boolean[]): tf.Tensor3D {
    const [batch, t, chIn] = x.shape
    if (chIn !== 1) throw new Error(`generator expects [B, T, 1], got [${x.shape.join(', ')}]`)
    if (c.bandCondition && fullBand?.length !== batch) {
      throw new Error(`this generator is conditioned on the input's bandwidth: pass fullBand for each of the ${batch} examples`)
    }
    return tf.tidy(() => {
      const xp = padToMultiple(x, s)
      const tp = xp.shape[1]
      let folded = spaceToDepth(xp, s)
      const spectrum = c.inputSpectrum > 0 ? frameSpectrum(xp, c.inputSpectrum, s) : null
      if (spectrum) folded = tf.concat([folded, spectrum], 2)
      const band = c.bandCondition && fullBand ? bandInput(fullBand, tp / s) : null
      if (band) folded = tf.concat([folded, band], 2)
      let h = addBias(conv1dSame(folded, w('in.w'), 1, true), b('in.b'))
      for (let i = 0; i < c.blocks; i++) {
        const n = blockName(i)
        let r = addBias(conv1dSame(leakyRelu(h, c.leak), w(`${n}.dil.w`), cycleDilation(i, c.maxDilation), true), b(`${n}.dil.b`))
        r = addBias(pointwise(leakyRelu(r, c.leak), w(`${n}.mix.w`), true), b(`${n}.mix.b`))
        h = tf.add(h, r)
      }
      const last = leakyRelu(h, c.leak)
      let frames = addBias(conv1dSame(last, w('out.w'), 1, true), b('out.b'))
      const toSamples = (perFrame: tf.Tensor3D) => {
        const y = tf.reshape(perFrame, [batch, tp, 1]) as tf.Tensor3D
        return tp > t ? tf.slice(y, [0, 0, 0], [batch, t, 1]) : y
      }
      let gate: tf.Tensor3D | null = null
      if (c.outputGate) {
        const read = spectrum ?? last
        const logit = addBias(pointwise(band ? tf.concat([read, band], 2) : read, w('gate.w'), true), b('gate.b'))
        gate = tf.sigmoid(tf.mul(logit, GATE_GAIN)) as tf.Tensor3D
        frames = tf.mul(frames, gate)
      }
      let residual = toSamples(frames)
      if (c.residualHighpassHz > 0) residual = tf.conv1d(residual, highpassKernel(c.residualHighpassHz, sampleRate), 1, 'same')
      if (c.firTaps > 0) {
        let eq = tf.conv1d(x, w('fir.w'), 1, 'same')
        // with a gate, the equaliser works where the stack is switched off
        if (gate) eq = tf.mul(eq, toSamples(tf.tile(tf.sub(1, gate), [1, 1, s]) as tf.Tensor3D))
        residual = tf.add(residual, eq)
      }
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

/**
 * (ln(|STFT| + 1e-4) + 6) / 3 per frame of `hop` samples: [B, T/hop, nFft/2 + 1], the Hann window centred on the
 * frame (zeros beyond the ends). The offset and scale put silence near -1 and loud speech bins near +0.5.
 */
function frameSpectrum(x: tf.Tensor3D, nFft: number, hop: number): tf.Tensor3D {
  return tf.tidy(() => {
    const pad = (nFft - hop) / 2
    const frames = tf.conv1d(tf.pad(x, [[0, 0], [pad, pad], [0, 0]]), stftKernel(nFft), hop, 'valid')
    const bins = nFft / 2 + 1
    const [b, t] = frames.shape
    const re = tf.slice(frames, [0, 0, 0], [b, t, bins])
    const im = tf.slice(frames, [0, 0, bins], [b, t, bins])
    const mag = tf.sqrt(tf.add(tf.add(tf.square(re), tf.square(im)), 1e-12))
    return tf.div(tf.add(tf.log(tf.add(mag, 1e-4)), 6), 3) as tf.Tensor3D
  })
}

/** [B, frames, 1]: +1 for a full-band example, -1 for a band-limited one. */
function bandInput(fullBand: readonly boolean[], frames: number): tf.Tensor3D {
  const v = fullBand.map((f) => (f ? 1 : -1))
  return tf.tile(tf.tensor3d(v, [v.length, 1, 1]), [1, frames, 1])
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
