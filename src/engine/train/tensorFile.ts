/**
 * A named set of tensors in two files: tensors.json (name, dtype, shape, byte offset) and tensors.bin
 * (little-endian raw values, concatenated). Used for checkpoints (G, D, optimiser slots, spectral-norm
 * vectors, replay buffer).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'

interface Entry {
  name: string
  dtype: 'float32' | 'int32' | 'bool'
  shape: number[]
  offset: number
  bytes: number
}

export async function saveTensors(dir: string, tensors: Map<string, tf.Tensor>): Promise<void> {
  const entries: Entry[] = []
  const parts: Uint8Array[] = []
  let offset = 0
  for (const [name, t] of tensors) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new Error(`tensor ${name} has dtype ${t.dtype}, which checkpoints do not store`)
    }
    const values = await t.data()
    const data = t.dtype === 'bool' ? Int32Array.from(values as Uint8Array) : (values as Float32Array | Int32Array)
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    entries.push({ name, dtype: t.dtype, shape: t.shape, offset, bytes: bytes.byteLength })
    parts.push(bytes)
    offset += bytes.byteLength
  }
  const bin = new Uint8Array(offset)
  let o = 0
  for (const p of parts) {
    bin.set(p, o)
    o += p.byteLength
  }
  await writeFile(join(dir, 'tensors.bin'), bin)
  await writeFile(join(dir, 'tensors.json'), JSON.stringify({ version: 1, tensors: entries }, null, 1))
}

/** Reads a tensor set; throws naming the folder and the problem when it is incomplete or corrupt. */
export async function loadTensors(dir: string): Promise<Map<string, tf.Tensor>> {
  let index: { tensors: Entry[] }
  let bin: Buffer
  try {
    index = JSON.parse(await readFile(join(dir, 'tensors.json'), 'utf8')) as { tensors: Entry[] }
    bin = await readFile(join(dir, 'tensors.bin'))
  } catch (e) {
    throw new Error(`${dir}: checkpoint tensors unreadable (${e instanceof Error ? e.message : String(e)})`)
  }
  const out = new Map<string, tf.Tensor>()
  for (const e of index.tensors) {
    if (e.offset + e.bytes > bin.byteLength) {
      out.forEach((t) => t.dispose())
      throw new Error(`${dir}: tensors.bin is truncated (tensor ${e.name})`)
    }
    const raw = bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + e.bytes)
    const values = e.dtype === 'float32' ? new Float32Array(raw) : new Int32Array(raw)
    out.set(e.name, tf.tensor(values, e.shape, e.dtype === 'bool' ? 'bool' : e.dtype))
  }
  return out
}
