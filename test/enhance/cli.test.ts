import { execFile } from 'node:child_process'
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeAudio } from '../../src/engine/audio/index.ts'
import { devData, repoRoot, saveTestModel, tempDir, tinySpectralGeneratorConfig } from './helpers.ts'

const run = promisify(execFile)
const cli = join(repoRoot, 'bin', 'dulcet.mjs')

async function dulcet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [cli, ...args], { cwd: repoRoot })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, stdout: x.stdout, stderr: x.stderr }
  }
}

let t: { dir: string; cleanup(): Promise<void> }
let model: string

beforeAll(async () => {
  t = await tempDir()
  model = await saveTestModel(join(t.dir, 'model'), { perturb: 0.05, config: { ...tinySpectralGeneratorConfig(), bandCondition: true } })
})
afterAll(() => t.cleanup())

describe('dulcet enhance', () => {
  it('writes <name>.enhanced.wav next to the input by default, in the format asked for', async () => {
    const input = join(t.dir, 'voice.wav')
    await copyFile(join(devData, 'codec2_3200', 'lj_LJ001-0006.wav'), input)
    const r = await dulcet(['enhance', input, '--model', model, '--format', 'pcm24', '--strength', '0.8'])
    expect(r.code).toBe(0)
    const out = join(t.dir, 'voice.enhanced.wav')
    expect(r.stdout).toContain(out)
    expect(r.stdout).toContain('input band-limited') // Codec 2 is an 8 kHz codec
    const info = await probeAudio(out)
    expect([info.wavFormat, info.frames]).toEqual(['pcm24', (await probeAudio(input)).frames])
  })

  it('fails with a clear message and a non-zero exit for a bad model or bad flags', async () => {
    const input = join(devData, 'gl32', 'lj_LJ001-0006.wav')
    const bad = await dulcet(['enhance', input, '-o', join(t.dir, 'x.wav'), '--model', t.dir])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/model\.json is missing/)
    const flag = await dulcet(['enhance', input, '-o', join(t.dir, 'x.wav'), '--model', model, '--strength', '3'])
    expect(flag.code).not.toBe(0)
    expect(flag.stderr).toMatch(/--strength/)
    expect((await readdir(t.dir)).filter((n) => n.startsWith('x'))).toEqual([])
  })
})

describe('dulcet batch', () => {
  it('exits non-zero when a file failed, after enhancing the others and writing the report', async () => {
    const inDir = join(t.dir, 'in')
    await mkdir(inDir)
    await copyFile(join(devData, 'tts', 'flite_kal16', firstWav(await readdir(join(devData, 'tts', 'flite_kal16')))), join(inDir, 'tts.wav'))
    await copyFile(join(repoRoot, 'test', 'fixtures', 'audio', 'bad_text.wav'), join(inDir, 'broken.wav'))
    const outDir = join(t.dir, 'out')
    const r = await dulcet(['batch', inDir, outDir, '--model', model, '--jobs', '1', '--report', join(t.dir, 'report.csv')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/1 enhanced, 0 skipped, 1 failed/)
    expect(r.stdout).toMatch(/broken\.wav/)
    expect(await readdir(outDir)).toEqual(['tts.wav'])
    const csv = await readFile(join(t.dir, 'report.csv'), 'utf8')
    expect(csv).toMatch(/^broken\.wav,failed,/m)
    expect(JSON.parse(await readFile(join(t.dir, 'report.json'), 'utf8'))).toMatchObject({ summary: { done: 1, failed: 1 } })
  })
})

function firstWav(names: string[]): string {
  const wav = names.filter((n) => n.endsWith('.wav')).sort()
  if (!wav.length) throw new Error('no TTS clip in the dev data')
  return wav[0]
}
