import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadEnhancerModel } from '../../src/engine/model/format.ts'
import { listCheckpoints } from '../../src/engine/train/checkpoint.ts'
import { readJsonl } from '../../src/engine/train/runLog.ts'
import type { LoggedStep } from '../../src/engine/train/types.ts'
import { devFolders } from './fixtures.ts'

const BIN = resolve(import.meta.dirname, '../../bin/dulcet.mjs')

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

function dulcet(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      onStdout?.(stdout, child)
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

describe('dulcet train (CLI)', () => {
  it('rejects a bad config with exit code 2, listing every bad field', async () => {
    const f = await devFolders(2)
    const cfg = join(f.root, 'bad.json')
    await writeFile(cfg, JSON.stringify({ batchSize: -1, gan: { loss: 'mse', optimizer: { lrG: 'fast' } }, colour: 'red' }))
    const r = await dulcet(['train', '--synthetic', f.synthetic, '--real', f.real, '--config', cfg, '--out', join(f.root, 'run')])
    expect(r.code).toBe(2)
    for (const field of ['batchSize', 'gan.loss', 'gan.optimizer.lrG', 'colour']) expect(r.stderr).toContain(`${field}:`)
  })

  it('trains with a preset, prints checkpoints as they are written, and on Ctrl-C checkpoints, exports and exits cleanly', async () => {
    const f = await devFolders(4, { synthetic: 'lp4k' })
    const out = join(f.root, 'run')
    let sent = false
    const r = await dulcet(
      ['train', '--synthetic', f.synthetic, '--real', f.real, '--preset', 'tiny', '--steps', '500', '--out', out, '--deviation-threshold', '0.2'],
      (text, child) => {
        if (!sent && text.includes('checkpoint step 5')) {
          sent = true
          child.kill('SIGINT')
        }
      }
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const stopped = /Stopped after (\d+) steps/.exec(r.stdout)
    expect(stopped, r.stdout).not.toBeNull()
    const step = Number(stopped?.[1])
    expect(step).toBeGreaterThanOrEqual(5)
    expect(step).toBeLessThan(500)
    expect((await listCheckpoints(out)).map((c) => c.step)).toContain(step)
    const model = await loadEnhancerModel(join(out, 'model'))
    expect(model.meta.steps).toBe(step)
    model.generator.dispose()
    const metrics = await readJsonl<LoggedStep>(join(out, 'metrics.jsonl'))
    expect(metrics.length).toBe(step)
    expect(metrics.every((m) => m.threshold === 0.2)).toBe(true)

    // dulcet export --best writes the checkpoint with the lowest validation LSD as a model.
    const checkpoints = await listCheckpoints(out)
    const best = checkpoints.reduce((a, b) => ((b.validation?.lsd ?? Infinity) < (a.validation?.lsd ?? Infinity) ? b : a))
    const exported = join(f.root, 'exported')
    const e = await dulcet(['export', out, exported, '--best', '--name', 'my voice'])
    expect(e.code, e.stderr).toBe(0)
    const picked = await loadEnhancerModel(exported)
    expect(picked.meta.name).toBe('my voice')
    expect(picked.meta.steps).toBe(best.step)
    picked.generator.dispose()
  })
})
