import { mkdir, realpath, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { type WavFormat, type WavWriter, createWavWriter, probeAudio, readAudioBlocks } from '../audio/index.ts'
import { BandwidthMeter, rateHoldsHighBand } from '../dsp/bandwidth.ts'
import { AudioFileError, ConfigError, throwIfAborted } from '../errors.ts'
import type { EnhancerModel } from '../model/format.ts'
import { defaultModelDir } from '../paths.ts'
import { LoudnessMeter } from './loudnessMeter.ts'
import { openModel, planFor, segmentProcessor } from './modelRunner.ts'
import { processStream } from './stream.ts'
import { TempSamples } from './tempSamples.ts'
import type { EnhanceHooks, EnhanceOptions, EnhanceResult } from './types.ts'

const WAV_FORMATS: readonly WavFormat[] = ['pcm16', 'pcm24', 'float32']
/** frames per disk read/write block */
const IO_FRAMES = 1 << 16
/** share of the progress bar for the processing pass (the rest is the gain-and-write pass) */
const PASS1 = 0.9
/** share of the processing pass's part taken by the bandwidth read-through, for a band-conditioned model */
const VERDICT_SHARE = 0.1

/** Checks options, throwing ConfigError listing every bad one. */
export function checkEnhanceOptions(o: EnhanceOptions): void {
  const problems: string[] = []
  if (o.strength !== undefined && !(Number.isFinite(o.strength) && o.strength >= 0 && o.strength <= 1)) {
    problems.push(`strength: must be a number from 0 to 1, got ${o.strength}`)
  }
  if (o.format !== undefined && !WAV_FORMATS.includes(o.format)) problems.push(`format: must be one of ${WAV_FORMATS.join(', ')}, got ${o.format}`)
  if (o.chunkSeconds !== undefined && !(Number.isFinite(o.chunkSeconds) && o.chunkSeconds > 0)) {
    problems.push(`chunkSeconds: must be a positive number, got ${o.chunkSeconds}`)
  }
  if (problems.length) throw new ConfigError(problems)
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)])
  if (sa && sb && sa.dev === sb.dev && sa.ino === sb.ino) return true
  const [ra, rb] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)])
  return ra === rb
}

/** Refuses an output that would overwrite the input or is not a file path. */
export async function checkOutputPath(input: string, output: string): Promise<void> {
  if (await sameFile(input, output)) throw new AudioFileError(output, 'the output is the input file; choose another output path (inputs are never modified)')
  const s = await stat(output).catch(() => null)
  if (s?.isDirectory()) throw new AudioFileError(output, 'the output path is a folder; give a file name ending in .wav')
}

/** Gain that matches loudness (when asked) and keeps the peak at or below full scale. */
export function outputGain(inLufs: number, outLufs: number, outPeak: number, match: boolean): number {
  let gain = match && Number.isFinite(inLufs) && Number.isFinite(outLufs) ? Math.pow(10, (inLufs - outLufs) / 20) : 1
  if (outPeak * gain > 1) gain = 1 / outPeak
  return gain
}

/** Whether the whole file is full-band: one read through it, before processing (memory stays bounded). */
async function fileIsFullBand(input: string, rate: number, channels: number, hooks: { signal?: AbortSignal; onFrames(f: number): void }): Promise<boolean> {
  if (!rateHoldsHighBand(rate)) return false // e.g. 8 kHz telephone audio: no need to decode it twice
  const meter = new BandwidthMeter(rate, channels)
  let frames = 0
  for await (const block of readAudioBlocks(input, IO_FRAMES)) {
    throwIfAborted(hooks.signal)
    meter.add(block)
    frames += block[0].length
    hooks.onFrames(frames)
  }
  return meter.verdict().fullBand
}

/** Enhances `input` into the WAV file `output` with a model already loaded (batch workers keep theirs). */
export async function enhanceWithModel(
  input: string,
  output: string,
  model: EnhancerModel,
  o: EnhanceOptions = {},
  hooks: EnhanceHooks = {}
): Promise<EnhanceResult> {
  checkEnhanceOptions(o)
  await checkOutputPath(input, output)
  throwIfAborted(hooks.signal)
  const started = performance.now()
  const info = await probeAudio(input)
  const { sampleRate: rate, channelCount: channels } = info
  const format = o.format ?? info.wavFormat
  const strength = o.strength ?? 1
  const modelRate = model.meta.sampleRate
  const g = model.generator
  const plan = planFor(g, modelRate, rate, channels, o.chunkSeconds)
  const progress = (f: number) => hooks.onProgress?.(Math.min(1, f))
  const measure = g.config.bandCondition && strength > 0
  const verdictShare = measure ? PASS1 * VERDICT_SHARE : 0
  const fullBand = measure
    ? await fileIsFullBand(input, rate, channels, { signal: hooks.signal, onFrames: (f) => progress((verdictShare * f) / Math.max(1, info.frames)) })
    : undefined
  const process = segmentProcessor(g, modelRate, rate, strength, fullBand)

  await mkdir(dirname(output), { recursive: true })
  const temp = await TempSamples.create(output, channels)
  let writer: WavWriter | null = null
  try {
    const inMeter = new LoudnessMeter(rate, channels)
    const outMeter = new LoudnessMeter(rate, channels)
    const frames = await processStream(
      readAudioBlocks(input, IO_FRAMES),
      channels,
      plan,
      process,
      async (dry, wet) => {
        inMeter.add(dry)
        outMeter.add(wet)
        await temp.write(wet)
      },
      { signal: hooks.signal, onFrames: (f) => progress(verdictShare + ((PASS1 - verdictShare) * f) / Math.max(1, info.frames)) }
    )
    if (frames === 0) throw new AudioFileError(input, 'contains no samples')
    const inLufs = inMeter.loudness()
    const rawLufs = outMeter.loudness()
    const gain = outputGain(inLufs, rawLufs, outMeter.peak, o.matchLoudness ?? true)
    throwIfAborted(hooks.signal)
    writer = await createWavWriter(output, { sampleRate: rate, channelCount: channels, format })
    let written = 0
    for await (const block of temp.read(IO_FRAMES)) {
      throwIfAborted(hooks.signal)
      if (gain !== 1) for (const ch of block) for (let i = 0; i < ch.length; i++) ch[i] *= gain
      await writer.write(block)
      written += block[0].length
      progress(PASS1 + ((1 - PASS1) * written) / frames)
    }
    throwIfAborted(hooks.signal)
    await writer.commit()
    writer = null
    progress(1)
    return {
      input,
      output,
      durationS: frames / rate,
      sampleRate: rate,
      channels,
      computeS: (performance.now() - started) / 1000,
      gainDb: 20 * Math.log10(gain),
      inputLufs: inLufs,
      outputLufs: rawLufs + 20 * Math.log10(gain),
      format,
      ...(fullBand === undefined ? {} : { bandwidth: fullBand ? 'full' : 'limited' })
    }
  } catch (e) {
    await writer?.abort()
    throw e
  } finally {
    await temp.remove()
  }
}

/**
 * Enhances one file into a WAV at `output` (same length, rate and channels as the input). The write is atomic:
 * a cancelled or failed run leaves no file, and the input is never touched.
 */
export async function enhanceFile(input: string, output: string, o: EnhanceOptions = {}, hooks: EnhanceHooks = {}): Promise<EnhanceResult> {
  checkEnhanceOptions(o)
  const inPath = resolve(input)
  const outPath = resolve(output)
  await checkOutputPath(inPath, outPath)
  const model = await openModel(o.model ?? defaultModelDir())
  try {
    return await enhanceWithModel(inPath, outPath, model, o, hooks)
  } finally {
    model.generator.dispose()
  }
}
