/**
 * Checkpoints: <run>/checkpoints/<step>/ holding tensors.json + tensors.bin (every tensor of the GAN:
 * G, D, optimiser slots, spectral-norm vectors, replay buffer), checkpoint.json (step, PRNG state,
 * live settings, validation) and config.json. Each folder is written to a temp folder and renamed.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { createGan, ganTensors, restoreGanTensors, type Gan } from '../gan/gan.ts'
import type { Metrics } from '../metrics/index.ts'
import { saveEnhancerModel, type EnhancerModelMeta } from '../model/format.ts'
import { parseTrainConfig, type TrainConfig } from './config.ts'
import { writeDirAtomic } from './fsAtomic.ts'
import type { RngState } from './rng.ts'
import { loadTensors, saveTensors } from './tensorFile.ts'

export interface CheckpointMeta {
  version: 1
  step: number
  createdAt: string
  rng: RngState
  /** The trainer's learning-rate factor (halved after each non-finite rollback). */
  lrScale: number
  validation?: Partial<Metrics>
}

export interface CheckpointInfo {
  step: number
  path: string
  validation?: Partial<Metrics>
}

export function checkpointsDir(run: string): string {
  return join(run, 'checkpoints')
}

export async function saveCheckpoint(run: string, gan: Gan, config: TrainConfig, meta: CheckpointMeta): Promise<string> {
  const dir = join(checkpointsDir(run), String(meta.step))
  await writeDirAtomic(dir, async (tmp) => {
    const tensors = ganTensors(gan)
    try {
      await saveTensors(tmp, tensors)
    } finally {
      tensors.forEach((t) => t.dispose())
    }
    await writeFile(join(tmp, 'config.json'), JSON.stringify(config, null, 2))
    await writeFile(join(tmp, 'checkpoint.json'), JSON.stringify(meta, null, 2))
  })
  return dir
}

export async function readCheckpointMeta(dir: string): Promise<{ meta: CheckpointMeta; config: TrainConfig }> {
  let meta: CheckpointMeta
  let config: TrainConfig
  try {
    meta = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointMeta
    config = parseTrainConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')))
  } catch (e) {
    throw new Error(`${dir}: not a readable checkpoint (${e instanceof Error ? e.message : String(e)})`)
  }
  return { meta, config }
}

/** Loads a checkpoint's tensors into `gan` (same config); returns its meta. */
export async function restoreCheckpoint(dir: string, gan: Gan): Promise<CheckpointMeta> {
  const { meta } = await readCheckpointMeta(dir)
  const tensors = await loadTensors(dir)
  try {
    restoreGanTensors(gan, tensors, meta.step)
  } finally {
    tensors.forEach((t: tf.Tensor) => t.dispose())
  }
  return meta
}

/** Complete checkpoints of a run, oldest first (temp folders of an interrupted write are not listed). */
export async function listCheckpoints(run: string): Promise<CheckpointInfo[]> {
  let names: string[]
  try {
    names = await readdir(checkpointsDir(run))
  } catch {
    return []
  }
  const out: CheckpointInfo[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const path = join(checkpointsDir(run), name)
    try {
      const meta = JSON.parse(await readFile(join(path, 'checkpoint.json'), 'utf8')) as CheckpointMeta
      out.push({ step: meta.step, path, ...(meta.validation ? { validation: meta.validation } : {}) })
    } catch {
      // a folder without checkpoint.json is not a checkpoint
    }
  }
  return out.sort((a, b) => a.step - b.step)
}

/** The validation score checkpoints are ranked by (lower is better): log-spectral distance. */
export function validationScore(v?: Partial<Metrics>): number | undefined {
  return v?.lsd !== undefined && Number.isFinite(v.lsd) ? v.lsd : undefined
}

export function bestCheckpoint(list: CheckpointInfo[]): CheckpointInfo | undefined {
  let best: CheckpointInfo | undefined
  for (const c of list) {
    const s = validationScore(c.validation)
    if (s === undefined) continue
    const b = validationScore(best?.validation)
    if (b === undefined || s < b) best = c
  }
  return best
}

/** Deletes all but the last `keepLast` checkpoints and the best one. */
export async function pruneCheckpoints(run: string, keepLast: number): Promise<void> {
  const list = await listCheckpoints(run)
  const keep = new Set(list.slice(-keepLast).map((c) => c.path))
  const best = bestCheckpoint(list)
  if (best) keep.add(best.path)
  for (const c of list) if (!keep.has(c.path)) await rm(c.path, { recursive: true, force: true })
}

/** What a user may say about an exported model; the rest of its meta comes from the run. */
export type ModelLabel = Partial<Pick<EnhancerModelMeta, 'name' | 'description' | 'source'>>

export async function exportGenerator(gan: Gan, modelDir: string, step: number, source: string, label: ModelLabel = {}): Promise<void> {
  await saveEnhancerModel(modelDir, gan.generator, {
    name: label.name ?? 'dulcet-enhancer',
    description: label.description ?? `Trained by Dulcet for ${step} steps`,
    sampleRate: gan.config.sampleRate,
    createdAt: new Date().toISOString(),
    steps: step,
    source: label.source ?? source
  })
}

/** Writes the generator of a checkpoint as an enhancer model folder (what `enhance` loads). */
export async function exportCheckpoint(checkpointDir: string, modelDir: string, label: ModelLabel = {}): Promise<void> {
  const { config } = await readCheckpointMeta(checkpointDir)
  const gan = createGan(config.gan, config.seed)
  try {
    const meta = await restoreCheckpoint(checkpointDir, gan)
    await exportGenerator(gan, modelDir, meta.step, checkpointDir, label)
  } finally {
    gan.dispose()
  }
}
