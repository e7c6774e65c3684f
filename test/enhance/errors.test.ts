import { copyFile, mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enhanceFile } from '../../src/engine/enhance/index.ts'
import { AudioFileError, CancelledError, ConfigError, ModelError } from '../../src/engine/errors.ts'
import { devData, saveTestModel, tempDir } from './helpers.ts'

let t: { dir: string; cleanup(): Promise<void> }
let model: string
let input: string

beforeAll(async () => {
  t = await tempDir()
  model = await saveTestModel(join(t.dir, 'model'), { perturb: 0.05 })
  input = join(t.dir, 'in.wav')
  await copyFile(join(devData, 'opus6k', 'lj_LJ001-0003.wav'), input)
})
afterAll(() => t.cleanup())

async function modelError(dir: string): Promise<ModelError> {
  const e = await enhanceFile(input, join(t.dir, 'out', 'never.wav'), { model: dir }).catch((err: unknown) => err)
  expect(e).toBeInstanceOf(ModelError)
  return e as ModelError
}

describe('bad models', () => {
  it('names a missing folder', async () => {
    const e = await modelError(join(t.dir, 'no-such-model'))
    expect(e.message).toMatch(/does not exist/)
    expect(e.dir).toBe(join(t.dir, 'no-such-model'))
  })

  it('names a folder without model.json', async () => {
    await mkdir(join(t.dir, 'empty'))
    expect((await modelError(join(t.dir, 'empty'))).problem).toMatch(/model\.json is missing/)
  })

  it('names a corrupt model.json', async () => {
    const dir = await saveTestModel(join(t.dir, 'corrupt-json'))
    await writeFile(join(dir, 'model.json'), '{"format": "dulcet-enhancer", "version": 1, "meta": ')
    expect((await modelError(dir)).problem).toMatch(/not valid JSON/)
  })

  it('names truncated weights', async () => {
    const dir = await saveTestModel(join(t.dir, 'short-weights'))
    await truncate(join(dir, 'weights.bin'), 400)
    expect((await modelError(dir)).problem).toMatch(/weight/)
  })

  it('names a folder that is not a Dulcet model', async () => {
    const dir = join(t.dir, 'other')
    await mkdir(dir)
    await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'tfjs-layers', version: 1 }))
    expect((await modelError(dir)).problem).toMatch(/not a Dulcet enhancer model/)
  })

  it('writes nothing when the model is bad', async () => {
    expect(await readdir(join(t.dir, 'out')).catch(() => [])).toEqual([])
  })
})

describe('bad input and options', () => {
  it('names a corrupt input file and writes nothing', async () => {
    const bad = join(t.dir, 'bad.wav')
    await copyFile(join(import.meta.dirname, '..', 'fixtures', 'audio', 'bad_truncated.wav'), bad)
    const e = await enhanceFile(bad, join(t.dir, 'bad-out.wav'), { model }).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(AudioFileError)
    expect((e as AudioFileError).file).toBe(bad)
    expect((await readdir(t.dir)).filter((n) => n.includes('bad-out'))).toEqual([])
  })

  it('rejects a strength outside 0..1 and an unknown format', async () => {
    await expect(enhanceFile(input, join(t.dir, 'x.wav'), { model, strength: 1.5 })).rejects.toBeInstanceOf(ConfigError)
    // @ts-expect-error an unknown format from an untyped caller
    await expect(enhanceFile(input, join(t.dir, 'x.wav'), { model, format: 'mp3' })).rejects.toThrow(/format/)
  })
})

describe('cancelling', () => {
  it('stops mid-way, leaves no output and no temp file, and does not touch the input', async () => {
    const before = await readFile(input)
    const dir = join(t.dir, 'cancel')
    await mkdir(dir)
    const ac = new AbortController()
    const seen: number[] = []
    const e = await enhanceFile(input, join(dir, 'out.wav'), { model, chunkSeconds: 0.5 }, {
      signal: ac.signal,
      onProgress: (f) => {
        seen.push(f)
        if (f > 0.2) ac.abort()
      }
    }).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(CancelledError)
    expect(Math.max(...seen)).toBeLessThan(0.9)
    expect(await readdir(dir)).toEqual([])
    expect((await readFile(input)).equals(before)).toBe(true)
  })
})
