import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'

const repo = path.resolve(import.meta.dirname, '../..')
const clean = path.resolve(repo, '../shared/data/speech-dev/clean')
const lp4k = path.resolve(repo, '../shared/data/speech-dev/lp4k')

function dulcet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, 'bin/dulcet.mjs'), ...args], { cwd: repo }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    })
  })
}

describe('dulcet eval', () => {
  it('--json prints one object {files, mean}; a missing pair is reported and the exit code is non-zero', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'dulcet-evalcli-'))
    try {
      const ref = path.join(tmp, 'ref')
      const est = path.join(tmp, 'est')
      await mkdir(ref)
      await mkdir(est)
      const a = 'ast-en_all-circuits-busy-now.wav'
      const b = 'ast-fr_pm-invalid-option.wav'
      await copyFile(path.join(clean, a), path.join(ref, a))
      await copyFile(path.join(lp4k, a), path.join(est, a))
      await copyFile(path.join(clean, a), path.join(ref, b))
      const r = await dulcet(['eval', '--ref', ref, '--est', est, '--json'])
      expect(r.code).not.toBe(0)
      const out = JSON.parse(r.stdout) as { files: Array<Record<string, unknown>>; mean: Record<string, number> }
      expect(Object.keys(out).sort()).toEqual(['files', 'mean'])
      expect(Object.keys(out.mean).sort()).toEqual(['lsd', 'mcd', 'mrstft', 'sisdr', 'stoi'])
      expect(out.files).toHaveLength(2)
      expect(out.files.find((f) => f.file === b)?.error).toMatch(/no matching file/)
      // one scored file: the mean is its score; lp4k keeps the speech intelligible but empties 4-8 kHz
      expect(out.mean.stoi).toBeGreaterThan(0.95)
      expect(out.mean.lsd).toBeGreaterThan(1)
      expect(r.stderr).toMatch(/1 of 2 files could not be scored/)

      const table = await dulcet(['eval', '--ref', ref, '--est', ref])
      expect(table.code).toBe(0)
      expect(table.stdout).toMatch(/SI-SDR dB\s+LSD\s+MCD dB\s+STOI\s+MR-STFT/)
      expect(table.stdout).toMatch(/mean \(2 files\)\s+100\.00\s+0\.000\s+0\.00\s+1\.000\s+0\.000/)
    } finally {
      await rm(tmp, { recursive: true })
    }
  })
})
