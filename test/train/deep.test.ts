import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { generatorConvLayers } from '../../src/engine/gan/config.ts'
import { loadEnhancerModel } from '../../src/engine/model/format.ts'
import { parseTrainConfig, withPreset } from '../../src/engine/train/config.ts'
import { train } from '../../src/engine/train/trainer.ts'
import type { LoggedStep, TrainEvent } from '../../src/engine/train/types.ts'
import { devFolders } from './fixtures.ts'

describe('deep networks', () => {
  it('a >32-layer generator and critic train 100 steps on the dev data without NaN, leaking no tensors', async () => {
    const f = await devFolders(8)
    const config = withPreset('tiny', {
      gan: {
        generator: { channels: 4, blocks: 16, maxDilation: 16 },
        critic: { channels: 4, layers: 31, maxDilation: 8 }
      },
      batchSize: 1,
      segmentSeconds: 0.064,
      steps: 100,
      logEvery: 10,
      checkpointEvery: 50,
      validationFraction: 0
    })
    const c = parseTrainConfig(config)
    expect(generatorConvLayers(c.gan.generator)).toBeGreaterThan(32)
    expect(c.gan.critic.layers + 2).toBeGreaterThan(32)
    const steps: LoggedStep[] = []
    const events: TrainEvent[] = []
    let tensorsAtStep10 = 0
    const r = await train(
      { synthetic: f.synthetic, real: f.real, out: join(f.root, 'deep'), config },
      {
        onStep: (s) => {
          steps.push(s)
          if (s.step === 10) tensorsAtStep10 = tf.memory().numTensors
          if (s.step === 100) expect(tf.memory().numTensors).toBe(tensorsAtStep10)
        },
        onEvent: (e) => events.push(e)
      }
    )
    expect(r.steps).toBe(100)
    expect(steps).toHaveLength(100)
    expect(steps.every((s) => [s.lossD, s.lossG, s.gap, ...Object.values(s.gradNormG), ...Object.values(s.weightNormD)].every(Number.isFinite))).toBe(true)
    expect(steps[0].criticLayers).toBe(31)
    expect(Object.keys(steps[0].gradNormG).length).toBe(generatorConvLayers(c.gan.generator))
    expect(events.filter((e) => e.kind === 'diagnostic' && (e.detector === 'non-finite' || e.detector === 'weight-divergence'))).toEqual([])
    const model = await loadEnhancerModel(r.modelDir)
    expect(model.generator.convLayers).toBeGreaterThan(32)
    model.generator.dispose()
  })
})
