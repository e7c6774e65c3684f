import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AccessList } from '../../src/jobhost/access.ts'
import { SettingsStore } from '../../src/jobhost/settings.ts'
import { DEFAULT_SETTINGS } from '../../src/protocol/schemas.ts'
import { tempDir } from './helpers.ts'

describe('settings file', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  beforeEach(async () => {
    tmp = await tempDir()
  })
  afterEach(() => tmp.cleanup())

  it('starts from defaults, writes atomically, and reads back what it wrote', async () => {
    const file = join(tmp.dir, 'nested', 'settings.json')
    const store = new SettingsStore(file)
    expect(await store.load()).toEqual(DEFAULT_SETTINGS)
    await Promise.all([store.update({ deviationThreshold: 0.3 }), store.update({ outputFormat: 'pcm24' })])
    expect(await readdir(join(tmp.dir, 'nested'))).toEqual(['settings.json'])
    const again = new SettingsStore(file)
    expect(await again.load()).toEqual({ ...DEFAULT_SETTINGS, deviationThreshold: 0.3, outputFormat: 'pcm24' })
    await expect(store.update({ strength: 3 })).rejects.toThrow(/strength/)
    expect(JSON.parse(await readFile(file, 'utf8')).strength).toBe(1)
  })

  it('keeps the good fields of a damaged file and defaults for the rest', async () => {
    const file = join(tmp.dir, 'settings.json')
    await writeFile(file, JSON.stringify({ deviationThreshold: 0.05, outputFormat: 'mp3', strength: 'full', extra: 1 }))
    expect(await new SettingsStore(file).load()).toEqual({ ...DEFAULT_SETTINGS, deviationThreshold: 0.05 })
    await writeFile(file, '{ truncated')
    expect(await new SettingsStore(file).load()).toEqual(DEFAULT_SETTINGS)
  })
})

describe('access list', () => {
  it('grants chosen files, contents of chosen folders, and new files beside them; nothing else', () => {
    const a = new AccessList()
    a.allowFile('/home/u/voice/take1.wav')
    a.allowFolder('/home/u/runs/')
    expect(a.canRead('/home/u/voice/take1.wav')).toBe(true)
    expect(a.canRead('/home/u/voice/take2.wav')).toBe(false)
    expect(a.canRead('/home/u/runs/a/checkpoints/5/checkpoint.json')).toBe(true)
    expect(a.canRead('/home/u/runs-other/x.wav')).toBe(false)
    expect(a.canRead('/home/u/runs/../secret.txt')).toBe(false)
    expect(a.canWrite('/home/u/voice/take1.enhanced.wav')).toBe(true)
    expect(a.canWrite('/home/u/runs/new-run')).toBe(true)
    expect(a.canWrite('/home/u/elsewhere/out.wav')).toBe(false)
  })
})
