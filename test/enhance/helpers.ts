import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { type AudioData, type WavFormat, writeWav } from '../../src/engine/audio/index.ts'
import { initBackend } from '../../src/engine/backend.ts'
import { defaultGeneratorConfig, type GeneratorConfig } from '../../src/engine/gan/config.ts'
import { createGenerator } from '../../src/engine/gan/generator.ts'
import { saveEnhancerModel } from '../../src/engine/model/format.ts'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const devData = resolve(repoRoot, '../shared/data/speech-dev')

/** A small generator (receptive field of a few hundred samples) so tests stay quick on 2 cores. */
export function tinyGeneratorConfig(): GeneratorConfig {
  return { ...defaultGeneratorConfig(), downsample: 4, channels: 8, blocks: 6, maxDilation: 16 }
}

/** The tiny generator with the optional input spectrum, FIR branch and output gate switched on. */
export function tinySpectralGeneratorConfig(): GeneratorConfig {
  return { ...tinyGeneratorConfig(), inputSpectrum: 32, firTaps: 63, outputGate: true }
}

/**
 * Saves a fresh generator (exactly the identity) as an enhancer model. With `perturb`, the zero-initialised output
 * layer (and FIR) gets random weights, so the model really changes the audio (for seam and rate tests).
 */
export async function saveTestModel(dir: string, o: { sampleRate?: number; perturb?: number; config?: GeneratorConfig } = {}): Promise<string> {
  await initBackend()
  const g = createGenerator(o.config ?? tinyGeneratorConfig(), 7)
  try {
    if (o.perturb) {
      const scale = o.perturb
      for (const name of ['out.w', 'fir.w', 'gate.w']) {
        const v = g.variables.get(name)
        v?.assign(tf.tidy(() => tf.randomNormal(v.shape, 0, scale, 'float32', 11)))
      }
    }
    await saveEnhancerModel(dir, g, {
      name: o.perturb ? 'perturbed test model' : 'identity test model',
      description: 'made by test/enhance',
      sampleRate: o.sampleRate ?? 16000,
      createdAt: new Date().toISOString(),
      steps: 0,
      source: 'test'
    })
  } finally {
    g.dispose()
  }
  return dir
}

export async function tempDir(prefix = 'dulcet-enhance-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** A speech-like test signal: harmonics with a moving pitch and amplitude, plus a little noise, per channel. */
export function speechLike(sampleRate: number, seconds: number, channels: number, seed = 1): AudioData {
  const n = Math.round(sampleRate * seconds)
  let s = seed >>> 0
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296 - 0.5
  }
  const out = Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(n)
    let phase = 0
    for (let i = 0; i < n; i++) {
      const t = i / sampleRate
      const f0 = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t + c)
      phase += (2 * Math.PI * f0) / sampleRate
      let v = 0
      for (let h = 1; h <= 12 && h * f0 < sampleRate / 2; h++) v += Math.sin(h * phase) / h
      const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 2.3 * t)
      x[i] = 0.15 * env * v + 0.01 * rnd()
    }
    return x
  })
  return { sampleRate, channels: out }
}

export async function writeTestWav(path: string, audio: AudioData, format: WavFormat = 'float32'): Promise<string> {
  await writeWav(path, audio, format)
  return path
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}
