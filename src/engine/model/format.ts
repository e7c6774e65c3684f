/**
 * The enhancer model format: a folder holding
 *   model.json   { "format": "dulcet-enhancer", "version": 1, "meta": EnhancerModelMeta,
 *                  "generator": GeneratorConfig,
 *                  "weights": [{ "name": string, "shape": number[], "offset": number }, ...] }
 *                `offset` counts float32 values from the start of weights.bin; weights appear in layer order.
 *   weights.bin  every weight, little-endian float32, back to back, nothing else.
 * Saving writes a temp folder beside the target and renames it into place, so a reader never sees a partial
 * model. Loading checks everything and throws ModelError naming the folder and the problem.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import { ModelError } from '../errors.ts'
import { GeneratorConfigSchema } from '../gan/config.ts'
import { createGenerator, type Generator } from '../gan/generator.ts'

export const MODEL_FORMAT = 'dulcet-enhancer'
export const MODEL_VERSION = 1

export interface EnhancerModelMeta {
  name: string
  description: string
  sampleRate: number
  createdAt: string
  steps: number
  source: string
}
export interface EnhancerModel {
  meta: EnhancerModelMeta
  generator: Generator
}

const MetaSchema = z.object({
  name: z.string(),
  description: z.string(),
  sampleRate: z.number().int().min(8000).max(192000),
  createdAt: z.string(),
  steps: z.number().int().min(0),
  source: z.string()
})

const ManifestSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.number().int(),
  meta: MetaSchema,
  generator: GeneratorConfigSchema,
  weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), offset: z.number().int().min(0) }))
})

function zodProblems(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
}

export async function saveEnhancerModel(dir: string, generator: Generator, meta: EnhancerModelMeta): Promise<void> {
  const metaCheck = MetaSchema.safeParse(meta)
  if (!metaCheck.success) throw new ModelError(dir, `invalid metadata: ${zodProblems(metaCheck.error)}`)
  const target = resolve(dir)
  const weights: Array<{ name: string; shape: number[]; offset: number }> = []
  const parts: Float32Array[] = []
  let offset = 0
  for (const [name, v] of generator.variables) {
    const data = v.dataSync() as Float32Array
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new ModelError(dir, `weight ${name} holds a non-finite value; not saving`)
    }
    weights.push({ name, shape: v.shape.slice(), offset })
    parts.push(data)
    offset += data.length
  }
  const all = new Float32Array(offset)
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.length
  }
  const manifest = { format: MODEL_FORMAT, version: MODEL_VERSION, meta, generator: generator.config, weights }
  const parent = dirname(target)
  await mkdir(parent, { recursive: true })
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`)
  const old = join(parent, `.${basename(target)}.old-${process.pid}-${Date.now().toString(36)}`)
  try {
    await mkdir(tmp)
    await writeFile(join(tmp, 'weights.bin'), littleEndianBytes(all))
    await writeFile(join(tmp, 'model.json'), JSON.stringify(manifest, null, 1) + '\n')
    const existed = await exists(target)
    if (existed) await rename(target, old)
    try {
      await rename(tmp, target)
    } catch (e) {
      if (existed) await rename(old, target)
      throw e
    }
    if (existed) await rm(old, { recursive: true, force: true })
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

export async function loadEnhancerModel(dir: string): Promise<EnhancerModel> {
  const info = await stat(dir).catch(() => null)
  if (!info) throw new ModelError(dir, 'model folder does not exist')
  if (!info.isDirectory()) throw new ModelError(dir, 'not a folder (a model is a folder holding model.json and weights.bin)')
  let text: string
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8')
  } catch {
    throw new ModelError(dir, 'model.json is missing')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new ModelError(dir, `model.json is not valid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const head = z.object({ format: z.string(), version: z.number() }).safeParse(json)
  if (!head.success || head.data.format !== MODEL_FORMAT) {
    throw new ModelError(dir, `model.json is not a Dulcet enhancer model (format must be "${MODEL_FORMAT}")`)
  }
  if (head.data.version !== MODEL_VERSION) {
    throw new ModelError(dir, `unsupported model version ${head.data.version} (this Dulcet reads version ${MODEL_VERSION})`)
  }
  const parsed = ManifestSchema.safeParse(json)
  if (!parsed.success) throw new ModelError(dir, `model.json is invalid: ${zodProblems(parsed.error)}`)
  const m = parsed.data

  let bytes: Buffer
  try {
    bytes = await readFile(join(dir, 'weights.bin'))
  } catch {
    throw new ModelError(dir, 'weights.bin is missing')
  }
  if (bytes.length % 4 !== 0) throw new ModelError(dir, `weights.bin has ${bytes.length} bytes, not a whole number of float32 values`)
  const values = fromLittleEndianBytes(bytes)

  const generator = createGenerator(m.generator, 1, m.meta.sampleRate)
  try {
    const listed = new Map(m.weights.map((w) => [w.name, w]))
    for (const name of listed.keys()) {
      if (!generator.variables.has(name)) throw new ModelError(dir, `weights list an unknown weight "${name}"`)
    }
    let needed = 0
    for (const [name, v] of generator.variables) {
      const w = listed.get(name)
      if (!w) throw new ModelError(dir, `weight "${name}" is missing`)
      if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
        throw new ModelError(dir, `weight "${name}" has shape [${w.shape.join(', ')}], expected [${v.shape.join(', ')}]`)
      }
      const end = w.offset + v.size
      if (end > values.length) {
        throw new ModelError(dir, `weights.bin is truncated: "${name}" needs values up to ${end}, file holds ${values.length}`)
      }
      needed += v.size
      const data = values.subarray(w.offset, end)
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) throw new ModelError(dir, `weight "${name}" holds a non-finite value (corrupt)`)
      }
      const t = tf.tensor(data, v.shape)
      v.assign(t)
      t.dispose()
    }
    if (needed !== values.length) {
      throw new ModelError(dir, `weights.bin holds ${values.length} values, the model needs ${needed}`)
    }
  } catch (e) {
    generator.dispose()
    throw e
  }
  return { meta: m.meta, generator }
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null)) !== null
}

function littleEndianBytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i], true)
  return out
}

function fromLittleEndianBytes(b: Uint8Array): Float32Array {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const out = new Float32Array(b.byteLength / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}
