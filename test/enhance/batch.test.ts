import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeAudio } from '../../src/engine/audio/index.ts'
import { type BatchFileStatus, outputNames, runBatch, shardFiles } from '../../src/engine/enhance/index.ts'
import { ModelError } from '../../src/engine/errors.ts'
import { defaultGeneratorConfig } from '../../src/engine/gan/config.ts'
import { devData, saveTestModel, speechLike, tempDir, tinySpectralGeneratorConfig, writeTestWav } from './helpers.ts'

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'audio')
let t: { dir: string; cleanup(): Promise<void> }
let model: string
let inDir: string

/** Every file under dir, relative, sorted (hidden files included, so leftovers show). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name))
      else out.push(relative(dir, join(d, e.name)))
    }
  }
  await walk(dir)
  return out.sort()
}

const byFile = (files: BatchFileStatus[]) => Object.fromEntries(files.map((f) => [f.file, f.status]))

beforeAll(async () => {
  t = await tempDir()
  model = await saveTestModel(join(t.dir, 'model'), { perturb: 0.05, config: { ...tinySpectralGeneratorConfig(), bandCondition: true } })
  inDir = join(t.dir, 'in')
  await mkdir(join(inDir, 'sub', 'deeper'), { recursive: true })
  await copyFile(join(devData, 'gl32', 'lj_LJ001-0006.wav'), join(inDir, 'lj.wav'))
  await copyFile(join(devData, 'lp4k', 'ast-en_queue-thereare.wav'), join(inDir, 'sub', 'ast.wav'))
  await copyFile(join(fixtures, 'flac24_48k_stereo.flac'), join(inDir, 'sub', 'deeper', 'tone.flac'))
  await writeTestWav(join(inDir, 'sub', 'st44.wav'), speechLike(44100, 1, 2), 'pcm16')
  await copyFile(join(fixtures, 'bad_truncated.wav'), join(inDir, 'sub', 'corrupt.wav'))
  await writeFile(join(inDir, 'notes.txt'), 'not audio, not listed')
})
afterAll(() => t.cleanup())

describe('runBatch', () => {
  it('enhances a folder tree into mirrored .wav files; a corrupt file is reported and the rest finish', async () => {
    const before = await Promise.all((await tree(inDir)).map((f) => readFile(join(inDir, f))))
    const outDir = join(t.dir, 'out')
    const progress: number[] = []
    const r = await runBatch({ inDir, outDir, model, jobs: 2, report: join(t.dir, 'reports', 'run1.json') }, { onProgress: (p) => progress.push(p.fraction) })
    expect(r.cancelled).toBe(false)
    expect(byFile(r.files)).toEqual({
      'lj.wav': 'done',
      'sub/ast.wav': 'done',
      'sub/corrupt.wav': 'failed',
      'sub/deeper/tone.flac': 'done',
      'sub/st44.wav': 'done'
    })
    const corrupt = r.files.find((f) => f.file === 'sub/corrupt.wav')
    expect(corrupt?.error).toMatch(/corrupt\.wav/)
    expect(await tree(outDir)).toEqual(['lj.wav', 'sub/ast.wav', 'sub/deeper/tone.wav', 'sub/st44.wav'])
    const tone = await probeAudio(join(outDir, 'sub', 'deeper', 'tone.wav'))
    expect([tone.sampleRate, tone.channelCount, tone.wavFormat]).toEqual([48000, 2, 'pcm24'])
    expect(progress.at(-1)).toBe(1)
    // inputs untouched
    const after = await Promise.all((await tree(inDir)).map((f) => readFile(join(inDir, f))))
    expect(after.every((b, i) => b.equals(before[i]))).toBe(true)
    // report, both forms
    expect(r.reportPaths).toEqual([join(t.dir, 'reports', 'run1.json'), join(t.dir, 'reports', 'run1.csv')])
    const json = JSON.parse(await readFile(r.reportPaths[0], 'utf8')) as { summary: { done: number; failed: number }; files: BatchFileStatus[] }
    expect(json.summary).toMatchObject({ done: 4, failed: 1 })
    const csv = (await readFile(r.reportPaths[1], 'utf8')).trim().split('\n')
    expect(csv[0]).toBe('file,status,duration_s,time_s,bandwidth,error')
    expect(csv).toHaveLength(6)
    expect(csv.find((l) => l.startsWith('sub/corrupt.wav,failed,'))).toMatch(/corrupt\.wav/)
    expect(csv.find((l) => l.startsWith('lj.wav,done,5.68'))).toMatch(/,full,$/) // Griffin-Lim speech: full-band
    expect(csv.find((l) => l.startsWith('sub/ast.wav,done,'))).toMatch(/,limited,$/) // low-passed at 4 kHz
  })

  it('skips existing outputs by default and redoes them with overwrite', async () => {
    const outDir = join(t.dir, 'out')
    const mtime = (await stat(join(outDir, 'lj.wav'))).mtimeMs
    const skipped = await runBatch({ inDir, outDir, model, jobs: 1 })
    expect(byFile(skipped.files)['lj.wav']).toBe('skipped')
    expect(skipped.files.filter((f) => f.status === 'skipped')).toHaveLength(4)
    expect((await stat(join(outDir, 'lj.wav'))).mtimeMs).toBe(mtime)
    const redone = await runBatch({ inDir: join(inDir, 'sub', 'deeper'), outDir: join(outDir, 'sub', 'deeper'), model, existing: 'overwrite' })
    expect(byFile(redone.files)).toEqual({ 'tone.flac': 'done' })
  })

  it('shards 1/2 and 2/2 together cover every file exactly once', async () => {
    const seen: string[] = []
    for (const index of [1, 2]) {
      const r = await runBatch({ inDir, outDir: join(t.dir, `shard${index}`), model, jobs: 1, shard: { index, count: 2 } })
      seen.push(...r.files.map((f) => f.file))
    }
    expect(seen.sort()).toEqual(['lj.wav', 'sub/ast.wav', 'sub/corrupt.wav', 'sub/deeper/tone.flac', 'sub/st44.wav'])
    const files = ['b', 'a', 'c', 'd', 'e'].sort()
    expect([...shardFiles(files, { index: 1, count: 3 }), ...shardFiles(files, { index: 2, count: 3 }), ...shardFiles(files, { index: 3, count: 3 })].sort()).toEqual(files)
  })

  it('names colliding outputs apart (a.mp3 and a.wav)', () => {
    const names = outputNames(['a.mp3', 'a.wav', 'b.flac', 'x/a.ogg'])
    expect([...names.values()]).toEqual(['a.mp3.wav', 'a.wav', 'b.wav', 'x/a.wav'])
  })

  it('throws ModelError before doing anything when the model is bad', async () => {
    const outDir = join(t.dir, 'out-bad-model')
    await expect(runBatch({ inDir, outDir, model: join(t.dir, 'nothing-here') })).rejects.toBeInstanceOf(ModelError)
    expect(await tree(outDir)).toEqual([])
  })

  it('cancelled mid-way leaves only complete outputs: no partial file, no temp file', async () => {
    const big = join(t.dir, 'big')
    const slow = await saveTestModel(join(t.dir, 'slow'), { perturb: 0.05, config: defaultGeneratorConfig() })
    await mkdir(big)
    for (let i = 0; i < 6; i++) await copyFile(join(devData, 'gl32', 'lj_LJ001-0003.wav'), join(big, `clip${i}.wav`))
    const outDir = join(t.dir, 'out-cancel')
    const ac = new AbortController()
    const r = await runBatch(
      { inDir: big, outDir, model: slow, jobs: 2, chunkSeconds: 0.25 },
      {
        signal: ac.signal,
        onFile: (s) => {
          if (s.status === 'running' && s.progress > 0.1) ac.abort()
        }
      }
    )
    expect(r.cancelled).toBe(true)
    const done = r.files.filter((f) => f.status === 'done').map((f) => f.file)
    expect(r.files.filter((f) => f.status === 'cancelled').length).toBeGreaterThan(0)
    expect(await tree(outDir)).toEqual(done)
    for (const f of done) expect((await probeAudio(join(outDir, f))).frames).toBe((await probeAudio(join(big, f))).frames)
  })
})
