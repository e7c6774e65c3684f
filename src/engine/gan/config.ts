/**
 * GAN configuration: zod schemas with defaults. Every field has a default, so `GanConfigSchema.parse({})`
 * gives the default config and a partial object is completed field by field.
 *
 * "FARGAN replay" here is Dulcet's replay technique (the generated sample the critic scored highest joins
 * the next real batch). It is unrelated to the FARGAN vocoder of Valin et al. (Opus 1.5).
 */
import { z } from 'zod'

export interface StftResolution {
  nFft: number
  hop: number
}

export interface GeneratorConfig {
  /** Samples per low-rate frame: the waveform is folded into frames of `downsample` samples (space-to-depth). */
  downsample: number
  /** Channels of the residual stack. */
  channels: number
  /** Residual blocks; each holds a dilated conv (kernelSize) and a 1x1 conv: conv layers = 2 * blocks + 2. */
  blocks: number
  kernelSize: number
  /** Dilations cycle 1, 2, 4, ... up to maxDilation (at the low rate). */
  maxDilation: number
  /** Kernel of the input (folded waveform -> channels) and output (channels -> folded residual) convs. */
  ioKernelSize: number
  /** Negative slope of the leaky ReLU. */
  leak: number
  /**
   * Taps of a linear FIR on the full-rate input whose output joins the residual (0: none). It is an equaliser
   * with about sampleRate / firTaps Hz resolution that the deep stack would otherwise have to learn, and it
   * cannot add the frame-rate images (multiples of sampleRate / downsample) the folded stack can.
   */
  firTaps: number
  /**
   * nFft of a log-magnitude spectrum computed for every frame (Hann window centred on the frame, hop = downsample)
   * and fed to the input conv beside the folded samples (0: none). It lets the stack see at once which bands the
   * input has, e.g. to extend a band-limited input and leave a full-band one alone.
   */
  inputSpectrum: number
  /**
   * Multiply each frame's residual by a gate in (0, 1): a logistic function of the frame's input spectrum (of the
   * last hidden state without inputSpectrum).
   * A stack of leaky ReLUs finds it hard to switch a change off (that is a product of two signals); the gate lets
   * the generator leave frames alone, e.g. full-band input that needs no bandwidth extension.
   */
  outputGate: boolean
  /**
   * Cut-off (Hz) of a fixed high-pass on the stack's residual (0: none): the stack then only adds or changes content
   * above it (bandwidth extension) and leaves the band below, where intelligibility lives, to the input and the FIR.
   */
  residualHighpassHz: number
  /**
   * Condition the stack and the gate on whether the whole input signal (a file, a training clip) is full-band or
   * band-limited (dsp/bandwidth.ts): one more input, +1 full-band / -1 band-limited, the same for every frame.
   * A frame's own spectrum cannot tell a voiced frame of full-band speech (little high band, and none to add) from
   * the same frame band-limited (a high band to restore); the whole signal can.
   */
  bandCondition: boolean
}

export interface CriticConfig {
  /** 'spectral': multi-resolution critic on log STFT magnitudes; 'waveform': multi-scale waveform critic; 'both'. */
  kind: 'spectral' | 'waveform' | 'both'
  channels: number
  /** Hidden conv layers per branch (C -> C, dilated); conv layers per branch = layers + 2. */
  layers: number
  kernelSize: number
  maxDilation: number
  resolutions: StftResolution[]
  /** Average-pooling factors of the waveform branches. */
  waveformScales: number[]
  /** The waveform is folded into frames of this many samples before the first conv. */
  waveformFold: number
  leak: number
}

export interface GanConfig {
  sampleRate: number
  generator: GeneratorConfig
  critic: CriticConfig
  loss: 'wasserstein' | 'bce' | 'hinge'
  regularization: { spectralNorm: boolean; weightClip: number | null; gradientPenalty: number; l2G: number; l2D: number }
  reconstruction: { threshold: number; weight: number; resolutions: StftResolution[] }
  pairedWeight: number
  /** Weight of the paired log-mel term (see losses.ts). */
  pairedMelWeight: number
  /** Weight of the generator's adversarial term (1: the GAN as usual; 0: the critic still trains but the generator ignores it). */
  adversarialWeight: number
  incrementalCritic: { enabled: boolean; startLayers: number; addEvery: number; fadeSteps: number }
  /** "FARGAN replay" (not the FARGAN vocoder of Valin et al.). */
  farganReplay: { enabled: boolean; fraction: number }
  /** trainOnlyG: generator weights to train, by name prefix (e.g. ['gate', 'fir']); empty trains them all. */
  optimizer: { lrG: number; lrD: number; beta1: number; beta2: number; criticSteps: number; trainOnlyG: string[] }
}

const pow2 = (max: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')

const ResolutionSchema = z
  .object({ nFft: pow2(8192).refine((n) => n >= 16, 'must be at least 16'), hop: z.number().int().min(1) })
  .refine((r) => r.hop <= r.nFft, 'hop must not exceed nFft')

const DEFAULT_RESOLUTIONS: StftResolution[] = [
  { nFft: 1024, hop: 256 },
  { nFft: 512, hop: 128 },
  { nFft: 256, hop: 64 }
]

export const GeneratorConfigSchema = z.object({
  downsample: pow2(64).default(8),
  channels: z.number().int().min(1).max(1024).default(32),
  blocks: z.number().int().min(0).max(512).default(16),
  kernelSize: z.number().int().min(1).max(31).refine((k) => k % 2 === 1, 'must be odd').default(3),
  maxDilation: pow2(4096).default(64),
  ioKernelSize: z.number().int().min(1).max(31).refine((k) => k % 2 === 1, 'must be odd').default(5),
  leak: z.number().min(0).max(1).default(0.2),
  firTaps: z
    .number()
    .int()
    .min(0)
    .max(4095)
    .refine((k) => k === 0 || k % 2 === 1, 'must be 0 (none) or odd')
    .default(0),
  inputSpectrum: z
    .number()
    .int()
    .min(0)
    .max(4096)
    .refine((n) => (n & (n - 1)) === 0, 'must be 0 (none) or a power of two')
    .default(0),
  outputGate: z.boolean().default(false),
  residualHighpassHz: z.number().min(0).max(24000).default(0),
  bandCondition: z.boolean().default(false)
}).refine((g) => g.inputSpectrum === 0 || g.inputSpectrum >= g.downsample, {
  message: 'must be 0 or at least downsample',
  path: ['inputSpectrum']
})

export const CriticConfigSchema = z.object({
  kind: z.enum(['spectral', 'waveform', 'both']).default('spectral'),
  channels: z.number().int().min(1).max(1024).default(32),
  layers: z.number().int().min(1).max(512).default(8),
  kernelSize: z.number().int().min(1).max(31).refine((k) => k % 2 === 1, 'must be odd').default(3),
  maxDilation: pow2(1024).default(8),
  resolutions: z.array(ResolutionSchema).min(1).default(() => DEFAULT_RESOLUTIONS.map((r) => ({ ...r }))),
  waveformScales: z.array(pow2(64)).min(1).default(() => [1, 2, 4]),
  waveformFold: pow2(64).default(4),
  leak: z.number().min(0).max(1).default(0.2)
})

export const GanConfigSchema = z
  .object({
    sampleRate: z.number().int().min(16000).max(48000).default(16000),
    generator: GeneratorConfigSchema.prefault({}),
    critic: CriticConfigSchema.prefault({}),
    loss: z.enum(['wasserstein', 'bce', 'hinge']).default('wasserstein'),
    regularization: z
      .object({
        spectralNorm: z.boolean().default(true),
        weightClip: z.number().positive().nullable().default(null),
        gradientPenalty: z.number().min(0).default(0),
        l2G: z.number().min(0).default(0),
        l2D: z.number().min(0).default(0)
      })
      .prefault({}),
    reconstruction: z
      .object({
        threshold: z.number().min(0).default(0.1),
        weight: z.number().min(0).default(10),
        resolutions: z.array(ResolutionSchema).min(1).default(() => DEFAULT_RESOLUTIONS.map((r) => ({ ...r })))
      })
      .prefault({}),
    pairedWeight: z.number().min(0).default(0),
    pairedMelWeight: z.number().min(0).default(0),
    adversarialWeight: z.number().min(0).default(1),
    incrementalCritic: z
      .object({
        enabled: z.boolean().default(false),
        startLayers: z.number().int().min(1).default(2),
        addEvery: z.number().int().min(1).default(500),
        fadeSteps: z.number().int().min(0).default(200)
      })
      .prefault({}),
    farganReplay: z
      .object({ enabled: z.boolean().default(false), fraction: z.number().gt(0).max(1).default(0.125) })
      .prefault({}),
    optimizer: z
      .object({
        lrG: z.number().positive().default(1e-4),
        lrD: z.number().positive().default(2e-4),
        beta1: z.number().min(0).lt(1).default(0.5),
        beta2: z.number().min(0).lt(1).default(0.9),
        criticSteps: z.number().int().min(1).max(100).default(1),
        trainOnlyG: z.array(z.string().min(1)).default(() => [])
      })
      .prefault({})
  })
  .refine((c) => c.incrementalCritic.startLayers <= c.critic.layers, {
    message: 'incrementalCritic.startLayers must not exceed critic.layers',
    path: ['incrementalCritic', 'startLayers']
  }) satisfies z.ZodType<GanConfig, unknown>

export function defaultGanConfig(): GanConfig {
  return GanConfigSchema.parse({})
}

export function defaultGeneratorConfig(): GeneratorConfig {
  return GeneratorConfigSchema.parse({})
}

export function defaultCriticConfig(): CriticConfig {
  return CriticConfigSchema.parse({})
}

/** Number of conv layers of a generator: input conv, two per block, output conv. */
export function generatorConvLayers(c: GeneratorConfig): number {
  return 2 * c.blocks + 2
}
