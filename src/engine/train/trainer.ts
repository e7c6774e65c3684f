/**
 * train(): the training loop. Reads TrainControl before every step, runs one GAN step on a random
 * batch, logs, diagnoses, checkpoints on an interval (validation, keep-last + best), rolls back to the
 * last checkpoint with a halved learning rate after a non-finite step, and on the end or on the abort
 * signal writes a final checkpoint and exports the generator as an enhancer model (<run>/model).
 *
 * The run folder (format version 1, in checkpoint.json):
 *   config.json        the complete TrainConfig (resume reads it)
 *   metrics.jsonl      one object per logged step: StepStats + seconds (wall time of that step); non-finite
 *                      numbers are null; after a rollback the re-run steps appear again
 *   events.jsonl       TrainEvent + time: diagnostics (with advice), checkpoints (with validation), info
 *   checkpoints/<step>/ tensors.json + tensors.bin (see tensorFile.ts), checkpoint.json, config.json;
 *                      step 0 is the starting point; the last keepLast and the best (validation LSD) are kept
 *   model/             the exported enhancer (model/format.ts), what `dulcet enhance --model` loads
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../backend.ts'
import { ModelError } from '../errors.ts'
import { createGan, ganStep, type Gan, type LiveSettings, type StepStats } from '../gan/gan.ts'
import { loadEnhancerModel } from '../model/format.ts'
import {
  bestCheckpoint,
  exportGenerator,
  listCheckpoints,
  pruneCheckpoints,
  restoreCheckpoint,
  saveCheckpoint
} from './checkpoint.ts'
import { parseTrainConfig, type TrainConfig } from './config.ts'
import { type BatchArrays, BatchSampler, loadTrainData, type TrainData } from './data.ts'
import { Diagnostics, isFiniteStep } from './diagnostics.ts'
import { writeFileAtomic } from './fsAtomic.ts'
import { Rng } from './rng.ts'
import { RunLog } from './runLog.ts'
import type { DiagnosticEvent, TrainEvent, TrainHooks, TrainOptions, TrainResult } from './types.ts'
import { validate } from './validate.ts'

async function resolveConfig(o: TrainOptions, out: string): Promise<TrainConfig> {
  let json: unknown = o.config
  if (o.resume) {
    try {
      json = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))
    } catch {
      throw new Error(`${out}: cannot resume, there is no readable config.json in this run folder`)
    }
  }
  const base = (json ?? {}) as Record<string, unknown>
  const merged: Record<string, unknown> = { ...base }
  if (o.steps !== undefined) merged.steps = o.steps
  if (o.deviationThreshold !== undefined) {
    const gan = (base.gan ?? {}) as Record<string, unknown>
    const rec = (gan.reconstruction ?? {}) as Record<string, unknown>
    merged.gan = { ...gan, reconstruction: { ...rec, threshold: o.deviationThreshold } }
  }
  return parseTrainConfig(merged)
}

async function initGenerator(gan: Gan, dir: string): Promise<void> {
  const model = await loadEnhancerModel(dir)
  try {
    for (const [name, v] of gan.generator.variables) {
      const src = model.generator.variables.get(name)
      if (!src && name === 'fir.w') continue // an FIR added by the config starts at zero
      if (!src || src.shape.join() !== v.shape.join()) {
        throw new ModelError(dir, `its generator does not match the configured one (weight ${name}: ${src ? `[${src.shape}] vs [${v.shape}]` : 'missing'})`)
      }
      v.assign(src)
    }
  } finally {
    model.generator.dispose()
  }
}

function toBatch(a: BatchArrays, b: number, t: number) {
  return {
    fullBand: a.fullBand,
    synthetic: tf.tensor3d(a.synthetic, [b, t, 1]),
    real: tf.tensor3d(a.real, [b, t, 1]),
    ...(a.pairedReal ? { pairedReal: tf.tensor3d(a.pairedReal, [b, t, 1]) } : {})
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

export async function train(o: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  await initBackend()
  const out = resolve(o.out)
  const modelDir = join(out, 'model')
  const config = await resolveConfig(o, out)
  const existing = await listCheckpoints(out)
  if (!o.resume && existing.length > 0) {
    throw new Error(`${out} already holds a training run (${existing.length} checkpoints); resume it or choose another folder`)
  }
  if (o.resume && existing.length === 0) throw new Error(`${out}: cannot resume, the run has no checkpoint`)
  const notes: string[] = []
  if (o.init && !o.resume) {
    // fine-tuning keeps the model's architecture and rate, whatever the preset says; the config may add a residual
    // high-pass (no weights) and an FIR equaliser (starts at zero), which leave the model's output as it was
    const m = await loadEnhancerModel(o.init)
    const highpass = config.gan.generator.residualHighpassHz || m.generator.config.residualHighpassHz
    const firTaps = m.generator.config.firTaps || config.gan.generator.firTaps
    const kept = { ...m.generator.config, residualHighpassHz: highpass, firTaps }
    if (JSON.stringify(kept) !== JSON.stringify(config.gan.generator) || m.meta.sampleRate !== config.gan.sampleRate) {
      notes.push(`The generator's architecture and sample rate (${m.meta.sampleRate} Hz) are taken from the model in ${o.init}, not from the config.`)
    }
    if (highpass !== m.generator.config.residualHighpassHz) notes.push(`A ${highpass} Hz high-pass is added to the generator's residual (from the config).`)
    if (firTaps !== m.generator.config.firTaps) notes.push(`A ${firTaps}-tap FIR equaliser, starting at zero, is added to the generator (from the config).`)
    config.gan.generator = kept
    config.gan.sampleRate = m.meta.sampleRate
    m.generator.dispose()
  }
  await mkdir(out, { recursive: true })
  await writeFileAtomic(join(out, 'config.json'), JSON.stringify(config, null, 2))

  const log = new RunLog(out)
  let step = 0
  const emit = (e: TrainEvent) => {
    void log.event(e)
    hooks.onEvent?.(e)
  }
  const info = (message: string) => emit({ kind: 'info', step, message })
  notes.forEach(info)
  const rate = config.gan.sampleRate
  const data: TrainData = await loadTrainData({
    synthetic: o.synthetic,
    real: o.real,
    sampleRate: rate,
    validationFraction: config.validationFraction,
    seed: config.seed,
    signal: hooks.signal,
    onInfo: info
  })

  const gan = createGan(config.gan, config.seed)
  const rng = new Rng(config.seed)
  let lrScale = 1
  try {
    if (o.resume) {
      const latest = existing[existing.length - 1]
      const meta = await restoreCheckpoint(latest.path, gan)
      step = meta.step
      rng.setState(meta.rng)
      lrScale = meta.lrScale
      info(`Resumed from the checkpoint at step ${step}.`)
    } else if (o.init) {
      await initGenerator(gan, o.init)
      info(`Generator initialised from the model in ${o.init}.`)
    }
    const segment = Math.round(config.segmentSeconds * rate)
    const wantsPairs = config.gan.pairedWeight > 0 || config.gan.pairedMelWeight > 0
    const sampler = new BatchSampler(data, segment, config.batchSize, config.silenceDb, wantsPairs, rng)
    if (wantsPairs && !sampler.usesPairs) info('pairedWeight/pairedMelWeight is set, but no file has the same relative path in both folders: the paired losses are off.')
    const g = config.gan
    const diag = new Diagnostics(config.diagnostics, {
      loss: g.loss,
      spectralNorm: g.regularization.spectralNorm,
      gradientPenalty: g.regularization.gradientPenalty,
      weightClip: g.regularization.weightClip,
      incrementalCritic: g.incrementalCritic.enabled,
      farganReplay: g.farganReplay.enabled,
      lrG: g.optimizer.lrG,
      lrD: g.optimizer.lrD
    })

    let lastCheckpoint = -1
    let rollbacks = 0
    const checkpoint = async () => {
      const validation = validate(gan.generator, data.validation, rate, config.validationClips, config.validationSeconds)
      const path = await saveCheckpoint(out, gan, config, {
        version: 1,
        step,
        createdAt: new Date().toISOString(),
        rng: rng.getState(),
        lrScale,
        ...(validation ? { validation } : {})
      })
      await pruneCheckpoints(out, config.keepLast)
      const best = bestCheckpoint(await listCheckpoints(out))
      lastCheckpoint = step
      rollbacks = 0
      emit({ kind: 'checkpoint', step, path, best: best?.step === step, ...(validation ? { validation } : {}) })
    }
    const rollback = async (e: DiagnosticEvent) => {
      rollbacks++
      const list = await listCheckpoints(out)
      const target = list[list.length - 1]
      if (!target || rollbacks > config.diagnostics.maxRollbacks) {
        emit({ ...e, message: `${e.message} Training stopped: ${target ? `${rollbacks - 1} rollbacks did not help` : 'there is no checkpoint to roll back to'}.` })
        throw new Error(`training diverged at step ${step}: ${e.message}`)
      }
      const meta = await restoreCheckpoint(target.path, gan)
      lrScale *= config.diagnostics.nonFiniteLrFactor
      emit({
        ...e,
        message: `${e.message} Rolled back to the checkpoint at step ${meta.step} and halved the learning rate (now ${lrScale} x the configured one).`
      })
      step = meta.step
      rng.setState(meta.rng)
      diag.reset()
      lastCheckpoint = -1 // the halved learning rate is not in that checkpoint yet
    }

    if (!o.resume) await checkpoint()
    hooks.onStart?.({ config, startStep: step, out })
    let lastThreshold: number | undefined
    let lastWeight: number | undefined
    while (step < config.steps && !hooks.signal?.aborted) {
      while (hooks.control?.paused && !hooks.signal?.aborted) await sleep(50)
      if (hooks.signal?.aborted) break
      const c = hooks.control
      const live: LiveSettings = {
        threshold: c?.deviationThreshold ?? g.reconstruction.threshold,
        weight: c?.reconstructionWeight ?? g.reconstruction.weight,
        lrScale: lrScale * (c?.lrScale ?? 1)
      }
      if (lastThreshold !== undefined && (live.threshold !== lastThreshold || live.weight !== lastWeight)) {
        info(`Live settings changed from step ${step + 1}: deviation threshold ${live.threshold}, reconstruction weight ${live.weight}.`)
      }
      lastThreshold = live.threshold
      lastWeight = live.weight
      const batch = toBatch(sampler.next(), config.batchSize, segment)
      const t0 = performance.now()
      let stats: StepStats
      try {
        stats = ganStep(gan, batch, live)
      } finally {
        tf.dispose([batch.synthetic, batch.real, ...(batch.pairedReal ? [batch.pairedReal] : [])])
      }
      step++
      const logged = { ...stats, step, seconds: (performance.now() - t0) / 1000 }
      const events = diag.observe(logged)
      if (!isFiniteStep(logged)) {
        void log.metric(logged)
        await rollback(events[0])
        continue
      }
      if (step % config.logEvery === 0 || step === config.steps) void log.metric(logged)
      hooks.onStep?.(logged)
      for (const e of events) emit(e)
      if (step % config.checkpointEvery === 0 || step === config.steps) await checkpoint()
      await new Promise((r) => setImmediate(r))
    }
    const stopped = step < config.steps
    if (lastCheckpoint !== step) await checkpoint()
    await exportGenerator(gan, modelDir, step, out)
    info(stopped ? `Stopped at step ${step}; checkpoint written and model exported to ${modelDir}.` : `Finished ${step} steps; model exported to ${modelDir}.`)
    await log.flush()
    return { steps: step, out, modelDir, stopped }
  } finally {
    gan.dispose()
    await log.flush()
  }
}
