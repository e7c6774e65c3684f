import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/engine/errors.ts'
import { generatorConvLayers } from '../../src/engine/gan/config.ts'
import { parseTrainConfig, TRAIN_PRESETS, withPreset } from '../../src/engine/train/config.ts'

describe('TrainConfig', () => {
  it('completes an empty config with the defaults (wasserstein, spectral norm, tau 0.1)', () => {
    const c = parseTrainConfig({})
    expect(c.gan.loss).toBe('wasserstein')
    expect(c.gan.regularization.spectralNorm).toBe(true)
    expect(c.gan.reconstruction.threshold).toBe(0.1)
    expect(c.batchSize).toBeGreaterThan(0)
  })

  it('lists every bad field with its path and what is allowed', () => {
    let err: unknown
    try {
      parseTrainConfig({
        batchSize: 0,
        segmentSeconds: 'long',
        colour: 'red',
        gan: { loss: 'mse', generator: { kernelSize: 4, chanels: 8 }, optimizer: { lrD: -1 } },
        diagnostics: { window: 1 }
      })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    const problems = (err as ConfigError).problems
    const expectLine = (path: string, allowed: RegExp) => {
      const line = problems.find((p) => p.startsWith(`${path}:`))
      expect(line, `a problem for ${path} in ${problems.join(' | ')}`).toBeDefined()
      expect(line).toMatch(allowed)
    }
    expectLine('batchSize', />=\s*1/)
    expectLine('segmentSeconds', /number/)
    expectLine('colour', /unknown field.*batchSize/)
    expectLine('gan.loss', /wasserstein.*bce.*hinge/)
    expectLine('gan.generator.kernelSize', /odd/)
    expectLine('gan.generator.chanels', /unknown field.*channels/)
    expectLine('gan.optimizer.lrD', />\s*0|positive/)
    expectLine('diagnostics.window', />=\s*2/)
    expect(problems.length).toBe(8)
  })

  it('rejects segments shorter than the longest STFT, saying the shortest length allowed', () => {
    expect(() => parseTrainConfig({ segmentSeconds: 0.05 })).toThrow(/segmentSeconds.*at least 0\.064 s/)
  })

  it('has presets that parse; deep has more than 32 conv layers in both networks; a user config overrides a preset', () => {
    for (const name of Object.keys(TRAIN_PRESETS) as Array<keyof typeof TRAIN_PRESETS>) expect(() => parseTrainConfig(TRAIN_PRESETS[name])).not.toThrow()
    const deep = parseTrainConfig(TRAIN_PRESETS.deep)
    expect(generatorConvLayers(deep.gan.generator)).toBeGreaterThan(32)
    expect(deep.gan.critic.layers + 2).toBeGreaterThan(32)
    const c = parseTrainConfig(withPreset('tiny', { steps: 7, gan: { generator: { channels: 4 } } }))
    expect(c.steps).toBe(7)
    expect(c.gan.generator.channels).toBe(4)
    expect(c.gan.generator.blocks).toBe(2)
  })
})
