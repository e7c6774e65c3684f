import * as tf from '@tensorflow/tfjs'
import { GanConfigSchema, type GanConfig } from '../../src/engine/gan/config.ts'

/** A tiny GAN config for tests; `extra` overrides top-level sections. */
export function tinyConfig(extra: Record<string, unknown> = {}): GanConfig {
  return GanConfigSchema.parse({
    generator: { channels: 4, blocks: 2, downsample: 4, maxDilation: 4 },
    critic: { channels: 4, layers: 2, resolutions: [{ nFft: 128, hop: 32 }] },
    reconstruction: { resolutions: [{ nFft: 128, hop: 32 }] },
    ...extra
  })
}

/** Seeded noise [b, t, 1] of standard deviation `std`. */
export function noise(b: number, t: number, seed: number, std = 0.1): tf.Tensor3D {
  return tf.randomNormal([b, t, 1], 0, std, 'float32', seed) as tf.Tensor3D
}

export const LIVE = { threshold: 0.1, weight: 10, lrScale: 1 }
