import { copyFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { integratedLoudness, probeAudio, readAudio } from '../../src/engine/audio/index.ts'
import * as tf from '@tensorflow/tfjs'
import { enhanceFile, enhanceWithModel, openModel } from '../../src/engine/enhance/index.ts'
import { createGenerator } from '../../src/engine/gan/generator.ts'
import { saveEnhancerModel } from '../../src/engine/model/format.ts'
import { devData, maxAbsDiff, saveTestModel, speechLike, tempDir, tinySpectralGeneratorConfig, writeTestWav } from './helpers.ts'

let t: { dir: string; cleanup(): Promise<void> }
let identity: string
let perturbed: string
let perturbedSpectral: string

beforeAll(async () => {
  t = await tempDir()
  identity = await saveTestModel(join(t.dir, 'identity'))
  perturbed = await saveTestModel(join(t.dir, 'perturbed'), { perturb: 0.05 })
  perturbedSpectral = await saveTestModel(join(t.dir, 'perturbed-spectral'), { perturb: 0.05, config: tinySpectralGeneratorConfig() })
})
afterAll(() => t.cleanup())

const out = (name: string) => join(t.dir, name)

describe('enhanceFile with an identity model', () => {
  it('returns a float input exactly, whatever the chunk size', async () => {
    const input = await writeTestWav(out('float16k.wav'), speechLike(16000, 3.1, 1), 'float32')
    const x = await readAudio(input)
    for (const chunkSeconds of [0.05, 0.3, 1, 60]) {
      const r = await enhanceFile(input, out('id.wav'), { model: identity, chunkSeconds })
      const y = await readAudio(out('id.wav'))
      expect(r.gainDb).toBe(0)
      expect(y.channels[0].length).toBe(x.channels[0].length)
      expect(maxAbsDiff(y.channels[0], x.channels[0])).toBeLessThanOrEqual(1e-7)
    }
  })

  it('returns a 16-bit speech clip within the dither (1 LSB), and exactly as float32', async () => {
    const input = join(devData, 'gl32', 'lj_LJ001-0006.wav')
    const x = await readAudio(input)
    await enhanceFile(input, out('lj.wav'), { model: identity, chunkSeconds: 0.5 })
    const y16 = await readAudio(out('lj.wav'))
    expect((await probeAudio(out('lj.wav'))).wavFormat).toBe('pcm16')
    expect(maxAbsDiff(y16.channels[0], x.channels[0])).toBeLessThanOrEqual(1 / 32768 + 1e-9)
    await enhanceFile(input, out('lj32.wav'), { model: identity, format: 'float32', chunkSeconds: 2 })
    expect(maxAbsDiff((await readAudio(out('lj32.wav'))).channels[0], x.channels[0])).toBe(0)
  })

  it('returns 48 kHz stereo input exactly (the model runs at 16 kHz; its residual is zero)', async () => {
    const input = await writeTestWav(out('st48.wav'), speechLike(48000, 1.3, 2), 'float32')
    const x = await readAudio(input)
    await enhanceFile(input, out('st48o.wav'), { model: identity, chunkSeconds: 0.6 })
    const y = await readAudio(out('st48o.wav'))
    for (const c of [0, 1]) expect(maxAbsDiff(y.channels[c], x.channels[c])).toBe(0)
  })
})

describe('enhanceFile with a model that changes the audio', () => {
  it('has no seams: chunked output equals whole-file output (16 kHz mono, 44.1 kHz stereo; with and without input spectrum, FIR and gate)', async () => {
    for (const [rate, channels, model] of [
      [16000, 1, perturbed],
      [44100, 2, perturbed],
      [16000, 1, perturbedSpectral]
    ] as const) {
      const input = await writeTestWav(out(`seam${rate}.wav`), speechLike(rate, rate === 16000 ? 2.7 : 1.3, channels), 'float32')
      const x = await readAudio(input)
      const runs = []
      for (const chunkSeconds of [0.3, 60]) {
        await enhanceFile(input, out('seam.wav'), { model, chunkSeconds, matchLoudness: false })
        runs.push((await readAudio(out('seam.wav'))).channels)
      }
      for (let c = 0; c < channels; c++) {
        expect(maxAbsDiff(runs[1][c], x.channels[c])).toBeGreaterThan(1e-2)
        expect(maxAbsDiff(runs[0][c], runs[1][c])).toBeLessThan(1e-5)
      }
    }
  })

  it('keeps length, rate and channel count at 8, 16, 44.1 and 48 kHz, mono and stereo, and matches loudness', async () => {
    for (const rate of [8000, 16000, 44100, 48000]) {
      for (const channels of [1, 2]) {
        const input = await writeTestWav(out(`r${rate}c${channels}.wav`), speechLike(rate, 1.2, channels, rate + channels), 'pcm16')
        const x = await readAudio(input)
        const r = await enhanceFile(input, out('r.wav'), { model: perturbed })
        const y = await readAudio(out('r.wav'))
        expect([y.sampleRate, y.channels.length, y.channels[0].length]).toEqual([rate, channels, x.channels[0].length])
        expect([r.sampleRate, r.channels]).toEqual([rate, channels])
        expect(maxAbsDiff(y.channels[0], x.channels[0])).toBeGreaterThan(1e-3)
        expect(Math.abs(integratedLoudness(y.channels, rate) - integratedLoudness(x.channels, rate))).toBeLessThan(0.1)
      }
    }
  })

  it('keeps content above the model band: an 18 kHz tone in 48 kHz input passes unchanged', async () => {
    const rate = 48000
    const n = rate
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 300 * i) / rate) + 0.1 * Math.sin((2 * Math.PI * 18000 * i) / rate)
    const input = await writeTestWav(out('hf.wav'), { sampleRate: rate, channels: [x] }, 'float32')
    await enhanceFile(input, out('hfo.wav'), { model: perturbed, matchLoudness: false })
    const y = (await readAudio(out('hfo.wav'))).channels[0]
    // amplitude of 18 kHz over the middle (whole cycles), by correlation
    const amp = (s: Float32Array, f: number) => {
      let re = 0
      let im = 0
      for (let i = 4800; i < n - 4800; i++) {
        re += s[i] * Math.cos((2 * Math.PI * f * i) / rate)
        im += s[i] * Math.sin((2 * Math.PI * f * i) / rate)
      }
      return (2 * Math.hypot(re, im)) / (n - 9600)
    }
    expect(amp(x, 18000)).toBeCloseTo(0.1, 3)
    expect(Math.abs(amp(y, 18000) - amp(x, 18000))).toBeLessThan(1e-4)
    expect(maxAbsDiff(y, x)).toBeGreaterThan(1e-3)
  })

  it('applies strength as dry/wet: 0 gives the input, 0.5 half the change', async () => {
    const input = await writeTestWav(out('str.wav'), speechLike(16000, 1, 1), 'float32')
    const x = (await readAudio(input)).channels[0]
    const run = async (strength: number) => {
      await enhanceFile(input, out('s.wav'), { model: perturbed, strength, matchLoudness: false })
      return (await readAudio(out('s.wav'))).channels[0]
    }
    const [y0, yh, y1] = [await run(0), await run(0.5), await run(1)]
    expect(maxAbsDiff(y0, x)).toBe(0)
    let worst = 0
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(yh[i] - x[i] - 0.5 * (y1[i] - x[i])))
    expect(worst).toBeLessThan(1e-6)
    expect(maxAbsDiff(y1, x)).toBeGreaterThan(1e-2)
  })

  it('never clips: a loud input through a strong model stays within full scale', async () => {
    const loud = await saveTestModel(join(t.dir, 'loud'), { perturb: 0.6 })
    const a = speechLike(16000, 1.5, 1)
    let pk = 0
    for (const v of a.channels[0]) pk = Math.max(pk, Math.abs(v))
    a.channels[0] = a.channels[0].map((v) => (0.99 * v) / pk)
    const input = await writeTestWav(out('loud.wav'), a, 'float32')
    for (const matchLoudness of [true, false]) {
      const r = await enhanceFile(input, out('loudo.wav'), { model: loud, matchLoudness })
      const y = (await readAudio(out('loudo.wav'))).channels[0]
      let peak = 0
      for (const v of y) peak = Math.max(peak, Math.abs(v))
      expect(peak).toBeLessThanOrEqual(1)
      expect(r.gainDb).toBeLessThan(0)
    }
  })

  it("writes the input's depth by default, or the format asked for", async () => {
    const input = await writeTestWav(out('d24.wav'), speechLike(16000, 0.5, 2), 'pcm24')
    await enhanceFile(input, out('d24o.wav'), { model: perturbed })
    expect((await probeAudio(out('d24o.wav'))).bitDepth).toBe(24)
    for (const format of ['pcm16', 'float32'] as const) {
      const r = await enhanceFile(input, out(`d${format}.wav`), { model: perturbed, format })
      expect(r.format).toBe(format)
      expect((await probeAudio(out(`d${format}.wav`))).wavFormat).toBe(format)
    }
  })

  it('enhances compressed input (FLAC, MP3) into WAV', async () => {
    for (const f of ['flac24_48k_stereo.flac', 'mp3_44k_mono.mp3']) {
      const input = join(import.meta.dirname, '..', 'fixtures', 'audio', f)
      const info = await probeAudio(input)
      await enhanceFile(input, out(`${f}.wav`), { model: perturbed })
      const y = await probeAudio(out(`${f}.wav`))
      expect([y.container, y.sampleRate, y.channelCount, y.frames]).toEqual(['wav', info.sampleRate, info.channelCount, info.frames])
    }
  })

  it('frees every tensor it makes (a batch worker enhances many files with one model)', async () => {
    const input = await writeTestWav(out('leak.wav'), speechLike(22050, 1, 2), 'pcm16')
    const m = await openModel(perturbed)
    try {
      await enhanceWithModel(input, out('leak1.wav'), m, { chunkSeconds: 0.3 })
      const before = tf.memory().numTensors
      await enhanceWithModel(input, out('leak2.wav'), m, { chunkSeconds: 0.3 })
      expect(tf.memory().numTensors).toBe(before)
    } finally {
      m.generator.dispose()
    }
  })

  it('leaves no temp files behind', async () => {
    const names = await readdir(t.dir)
    expect(names.filter((n) => n.startsWith('.'))).toEqual([])
  })
})

describe('enhanceFile with a model conditioned on bandwidth', () => {
  /** A tiny band-conditioned model whose gate reads only the band input: the stack works on full-band files alone. */
  async function bandGatedModel(dir: string): Promise<string> {
    const g = createGenerator({ ...tinySpectralGeneratorConfig(), bandCondition: true }, 7)
    try {
      const w = (name: string) => g.variables.get(name) as tf.Variable
      w('out.w').assign(tf.randomNormal(w('out.w').shape, 0, 0.05, 'float32', 11))
      const inputs = w('gate.w').shape[1] as number
      w('gate.w').assign(tf.tidy(() => tf.oneHot(tf.tensor1d([inputs - 1], 'int32'), inputs).reshape([1, inputs, 1]).mul(2)))
      await saveEnhancerModel(dir, g, { name: 'band-gated test model', description: 'test', sampleRate: 16000, createdAt: new Date().toISOString(), steps: 0, source: 'test' })
    } finally {
      g.dispose()
    }
    return dir
  }

  it('measures the whole file: a full-band clip is changed (the same at every chunk size), its band-limited version is not', async () => {
    const model = await bandGatedModel(join(t.dir, 'band-gated'))
    const full = join(devData, 'gl32', 'lj_LJ001-0006.wav')
    const limited = join(devData, 'lp4k', 'lj_LJ001-0006.wav')
    const o = { model, format: 'float32', matchLoudness: false } as const
    const runs = []
    for (const chunkSeconds of [0.3, 60]) {
      const r = await enhanceFile(full, out('full.wav'), { ...o, chunkSeconds })
      expect(r.bandwidth).toBe('full')
      runs.push((await readAudio(out('full.wav'))).channels[0])
    }
    const x = (await readAudio(full)).channels[0]
    expect(maxAbsDiff(runs[1], x)).toBeGreaterThan(1e-3)
    expect(maxAbsDiff(runs[0], runs[1])).toBeLessThan(1e-5)
    const seen: number[] = []
    const r = await enhanceFile(limited, out('limited.wav'), { ...o, chunkSeconds: 0.3 }, { onProgress: (f) => seen.push(f) })
    expect(r.bandwidth).toBe('limited')
    // progress only moves forward, from the verdict's read-through to the written file
    expect(seen.some((f) => f > 0 && f < 0.1)).toBe(true)
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true)
    expect(seen.at(-1)).toBe(1)
    expect(maxAbsDiff((await readAudio(out('limited.wav'))).channels[0], (await readAudio(limited)).channels[0])).toBeLessThan(1e-5)
  })

  it('calls 8 kHz input band-limited', async () => {
    const model = await bandGatedModel(join(t.dir, 'band-gated-8k'))
    const input = await writeTestWav(out('tel8k.wav'), speechLike(8000, 1, 1), 'pcm16')
    expect((await enhanceFile(input, out('tel8k-out.wav'), { model })).bandwidth).toBe('limited')
  })

  it('reports no bandwidth for a model that does not use it', async () => {
    const r = await enhanceFile(join(devData, 'gl32', 'lj_LJ001-0006.wav'), out('plain.wav'), { model: perturbed })
    expect(r.bandwidth).toBeUndefined()
  })
})

describe('enhanceFile input safety', () => {
  it('refuses to write over its input, and leaves the input byte-identical', async () => {
    const input = out('keep.wav')
    await copyFile(join(devData, 'gl32', 'lj_LJ001-0007.wav'), input)
    const { readFile } = await import('node:fs/promises')
    const before = await readFile(input)
    await expect(enhanceFile(input, input, { model: perturbed })).rejects.toThrow(/output is the input file/)
    await enhanceFile(input, out('keep.enhanced.wav'), { model: perturbed })
    expect((await readFile(input)).equals(before)).toBe(true)
  })
})
