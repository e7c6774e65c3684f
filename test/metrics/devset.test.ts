import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { mkdtemp, rm, copyFile, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { evalDirs, type Metrics } from '../../src/engine/metrics/index.ts'

const data = path.resolve(import.meta.dirname, '../../../shared/data/speech-dev')

describe('evalDirs on the dev set', () => {
  // The dev set's README lists these means over all 75 clips, computed by its own numpy/scipy metrics.py
  // ("identity" rows of the peer table): an independent implementation of all five metrics.
  it('reproduces the published gl32 identity scores', async () => {
    const calls: number[] = []
    const r = await evalDirs(path.join(data, 'clean'), path.join(data, 'gl32'), (done, total) => {
      calls.push(done)
      expect(total).toBe(75)
    })
    expect(r.files).toHaveLength(75)
    expect(calls).toEqual(Array.from({ length: 75 }, (_, i) => i + 1))
    const want: Metrics = { sisdr: -27.1, lsd: 0.808, mcd: 8.17, stoi: 0.919, mrstft: 1.01 }
    expect(Math.abs(r.mean.sisdr - want.sisdr)).toBeLessThan(0.02)
    expect(Math.abs(r.mean.lsd - want.lsd)).toBeLessThan(0.002)
    expect(Math.abs(r.mean.mcd - want.mcd)).toBeLessThan(0.02)
    expect(Math.abs(r.mean.stoi - want.stoi)).toBeLessThan(0.002)
    expect(Math.abs(r.mean.mrstft - want.mrstft)).toBeLessThan(0.002)
  })

  it('reports missing partners and unreadable files per file, and averages the rest', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'dulcet-eval-'))
    try {
      const ref = path.join(tmp, 'ref')
      const est = path.join(tmp, 'est')
      await mkdir(path.join(ref, 'sub'), { recursive: true })
      await mkdir(path.join(est, 'sub'), { recursive: true })
      const a = 'ast-en_all-circuits-busy-now.wav'
      await copyFile(path.join(data, 'clean', a), path.join(ref, 'sub', a))
      await copyFile(path.join(data, 'clean', a), path.join(est, 'sub', a))
      await copyFile(path.join(data, 'clean', a), path.join(ref, 'only-ref.wav'))
      await copyFile(path.join(data, 'clean', a), path.join(ref, 'broken.wav'))
      await writeFile(path.join(est, 'broken.wav'), 'not audio')
      await copyFile(path.join(data, 'clean', a), path.join(est, 'only-est.wav'))
      const r = await evalDirs(ref, est)
      const byFile = Object.fromEntries(r.files.map((f) => [f.file, f]))
      expect(Object.keys(byFile).sort()).toEqual(['broken.wav', 'only-est.wav', 'only-ref.wav', `sub/${a}`])
      expect(byFile['only-ref.wav']).toEqual({ file: 'only-ref.wav', error: expect.stringMatching(/no matching file/) })
      expect(byFile['only-est.wav']).toEqual({ file: 'only-est.wav', error: expect.stringMatching(/no matching reference/) })
      expect(byFile['broken.wav']).toEqual({ file: 'broken.wav', error: expect.stringMatching(/broken\.wav: unsupported format/) })
      expect(r.mean.lsd).toBe(0)
      expect(r.mean.stoi).toBeCloseTo(1, 6)
      await expect(evalDirs(path.join(tmp, 'nope'), est)).rejects.toThrow(/nope: folder not found/)
    } finally {
      await rm(tmp, { recursive: true })
    }
  })
})
