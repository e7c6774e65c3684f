import * as tf from '@tensorflow/tfjs'
import { resample } from '../audio/index.ts'
import { initBackend } from '../backend.ts'
import type { Generator } from '../gan/generator.ts'
import { type EnhancerModel, loadEnhancerModel } from '../model/format.ts'
import { type ChunkPlan, gcd, makePlan } from './chunks.ts'
import type { SegmentProcessor } from './stream.ts'

/** Loads a model folder on the best backend; throws ModelError naming the problem. */
export async function openModel(dir: string): Promise<EnhancerModel> {
  await initBackend()
  return loadEnhancerModel(dir)
}

/**
 * Frames of input-rate context a resampler needs each side so that a chunk's edges do not differ from the
 * whole file's resampling (libsamplerate's sinc filters are a few hundred taps at the lower rate).
 */
const RESAMPLER_CONTEXT_AT_LOW_RATE = 512

/**
 * Bytes of activations per model-rate sample that one generator pass keeps alive (tfjs tidy holds them all until
 * it ends). Calibrated with tf.profile: peakBytes / T was 1913 for the default generator, 392 for a small one.
 */
function bytesPerModelSample(g: Generator, batch: number): number {
  const c = g.config
  return ((7 * c.blocks + 8) * c.channels * 4 * batch) / c.downsample
}

/** Activation memory one chunk may use (the wasm heap keeps its peak); about 3 s chunks for the default model. */
const CHUNK_MEMORY_BYTES = 96 * 2 ** 20

/**
 * Chooses chunking for a file at `inputRate` with `channels` channels: context covers the receptive field (and
 * resampler support); chunk inputs start on a grid that maps to the generator's stride at the model rate.
 */
export function planFor(g: Generator, modelRate: number, inputRate: number, channels: number, chunkSeconds?: number): ChunkPlan {
  const ratio = inputRate / modelRate
  const g1 = gcd(inputRate, modelRate)
  // input start a maps to model sample a * modelRate / inputRate, which must be a whole multiple of the stride
  const modelStep = modelRate / g1
  const grid = (inputRate / g1) * (g.stride / gcd(g.stride, modelStep))
  const resampling = inputRate !== modelRate
  const lowRateRatio = Math.max(1, ratio)
  const context = Math.ceil((g.receptiveField + g.stride) * ratio) + (resampling ? Math.ceil(RESAMPLER_CONTEXT_AT_LOW_RATE * lowRateRatio) : 0)
  let hopModel: number
  if (chunkSeconds !== undefined) {
    hopModel = Math.round(chunkSeconds * modelRate)
  } else {
    const fit = Math.floor(CHUNK_MEMORY_BYTES / bytesPerModelSample(g, channels)) - (2 * context) / ratio
    hopModel = Math.min(20 * modelRate, Math.max(modelRate, fit))
  }
  hopModel = Math.max(hopModel, 4 * g.stride, 64)
  const hop = Math.max(grid, Math.round((hopModel * ratio) / grid) * grid)
  const overlap = Math.min(Math.floor(hop / 2), Math.round(0.02 * inputRate))
  return makePlan({ hop, overlap, context, grid })
}

/**
 * Zeros appended to every chunk before resampling: libsamplerate's last few output samples depend on how the
 * input length falls into its internal blocks, so the signal's true end is kept away from the converter's end.
 */
const RESAMPLER_TAIL_AT_LOW_RATE = 256

function padEnd(x: Float32Array, n: number): Float32Array {
  const y = new Float32Array(x.length + n)
  y.set(x)
  return y
}

function fitLength(x: Float32Array, n: number): Float32Array {
  if (x.length === n) return x
  const y = new Float32Array(n)
  y.set(x.subarray(0, Math.min(n, x.length)))
  return y
}

/**
 * The enhancement of one chunk: resample to the model rate, run the generator on all channels at once,
 * take its residual (output - input), resample that back and add `strength` of it to the original input.
 * Content the model rate cannot hold (above its band) is kept, and an identity model returns the input exactly.
 * fullBand: whether the whole input is full-band (for a generator with bandCondition; every channel gets it).
 */
export function segmentProcessor(g: Generator, modelRate: number, inputRate: number, strength: number, fullBand?: boolean): SegmentProcessor {
  return async (input) => {
    const n = input[0].length
    if (n === 0 || strength === 0) return input.map((x) => x.slice())
    const resampling = inputRate !== modelRate
    const tail = resampling ? Math.ceil(RESAMPLER_TAIL_AT_LOW_RATE * Math.max(1, inputRate / modelRate)) : 0
    const atModel = resampling ? await Promise.all(input.map((x) => resample(padEnd(x, tail), inputRate, modelRate))) : input
    const t = atModel[0].length
    const flat = new Float32Array(t * atModel.length)
    atModel.forEach((x, c) => flat.set(x, c * t))
    const band = fullBand === undefined ? undefined : atModel.map(() => fullBand)
    const y = tf.tidy(() => g.apply(tf.tensor3d(flat, [atModel.length, t, 1]), band))
    const out = (await y.data()) as Float32Array
    y.dispose()
    const residuals = atModel.map((x, c) => {
      const r = new Float32Array(t)
      for (let i = 0; i < t; i++) r[i] = out[c * t + i] - x[i]
      return r
    })
    const back = !resampling ? residuals : await Promise.all(residuals.map((r) => resample(r, modelRate, inputRate)))
    return input.map((x, c) => {
      const d = fitLength(back[c], n)
      const o = new Float32Array(n)
      for (let i = 0; i < n; i++) o[i] = x[i] + strength * d[i]
      return o
    })
  }
}
