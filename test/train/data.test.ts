import { describe, expect, it } from 'vitest'
import { BatchSampler, loadTrainData } from '../../src/engine/train/data.ts'
import { Rng } from '../../src/engine/train/rng.ts'
import { addBrokenFile, devFolders } from './fixtures.ts'

describe('training data', () => {
  it('pairs files by relative path, holds out a seeded validation split, and skips undecodable files with a message', async () => {
    const f = await devFolders(6)
    const broken = await addBrokenFile(f.synthetic)
    const infos: string[] = []
    const load = (seed: number) =>
      loadTrainData({ synthetic: f.synthetic, real: f.real, sampleRate: 16000, validationFraction: 0.34, seed, onInfo: (m) => infos.push(m) })
    const a = await load(7)
    expect(infos.some((m) => m.includes(broken))).toBe(true)
    expect(a.validation.length).toBe(2)
    expect(a.pairs.length).toBe(4)
    expect(a.synthetic.length).toBe(4)
    expect(a.real.length).toBe(4)
    const held = new Set(a.validation.map((p) => p.rel))
    expect(a.synthetic.some((c) => held.has(c.rel))).toBe(false)
    expect(a.real.some((c) => held.has(c.rel))).toBe(false)
    for (const p of a.validation) expect(p.rel).toMatch(/^(a|b\/c)\//)
    const again = await load(7)
    expect(again.validation.map((p) => p.rel)).toEqual(a.validation.map((p) => p.rel))
  })

  it("marks each synthetic clip full-band or band-limited from the whole clip, and every crop carries its clip's mark", async () => {
    for (const [kind, full] of [['gl32', true], ['lp4k', false]] as const) {
      const f = await devFolders(3, { synthetic: kind })
      const infos: string[] = []
      const data = await loadTrainData({ synthetic: f.synthetic, real: f.real, sampleRate: 16000, validationFraction: 0, seed: 1, onInfo: (m) => infos.push(m) })
      expect(data.pairs.map((p) => p.fullBand)).toEqual([full, full, full])
      expect(data.synthetic.map((c) => c.fullBand)).toEqual([full, full, full])
      expect(infos.join('\n')).toContain(full ? '3 full-band, 0 band-limited' : '0 full-band, 3 band-limited')
      expect(new BatchSampler(data, 4000, 4, -40, true, new Rng(1)).next().fullBand).toEqual([full, full, full, full])
    }
  })

  it('fails naming the folder when nothing in it can be decoded', async () => {
    const f = await devFolders(1)
    const { mkdtemp } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const bad = await mkdtemp(join(tmpdir(), 'dulcet-bad-'))
    await addBrokenFile(bad)
    await expect(loadTrainData({ synthetic: bad, real: f.real, sampleRate: 16000, validationFraction: 0, seed: 1 })).rejects.toThrow(bad)
  })

  it('draws reproducible, non-silent crops, with paired crops aligned to their synthetic crop', async () => {
    const f = await devFolders(4)
    const data = await loadTrainData({ synthetic: f.synthetic, real: f.real, sampleRate: 16000, validationFraction: 0, seed: 1 })
    const seg = 4000
    const rng = new Rng(3)
    const sampler = new BatchSampler(data, seg, 4, -40, true, rng)
    const state = rng.getState()
    const b1 = sampler.next()
    rng.setState(state)
    const b2 = sampler.next()
    expect(b2.synthetic).toEqual(b1.synthetic)
    expect(b2.real).toEqual(b1.real)
    expect(b1.pairedReal).toBeDefined()
    for (let b = 0; b < 4; b++) {
      const crop = b1.real.subarray(b * seg, (b + 1) * seg)
      const rms = Math.sqrt(crop.reduce((s, x) => s + x * x, 0) / seg)
      expect(20 * Math.log10(rms)).toBeGreaterThan(-40)
      // the paired real crop is the clean version of the same stretch: strongly correlated in energy envelope
      const syn = b1.synthetic.subarray(b * seg, (b + 1) * seg)
      const pr = (b1.pairedReal as Float32Array).subarray(b * seg, (b + 1) * seg)
      const env = (x: Float32Array) => Array.from({ length: 10 }, (_, k) => x.subarray(k * 400, (k + 1) * 400).reduce((s, v) => s + v * v, 0))
      const e1 = env(syn)
      const e2 = env(pr)
      const m1 = e1.reduce((a, b) => a + b) / 10
      const m2 = e2.reduce((a, b) => a + b) / 10
      let num = 0
      let d1 = 0
      let d2 = 0
      for (let k = 0; k < 10; k++) {
        num += (e1[k] - m1) * (e2[k] - m2)
        d1 += (e1[k] - m1) ** 2
        d2 += (e2[k] - m2) ** 2
      }
      expect(num / Math.sqrt(d1 * d2 + 1e-30)).toBeGreaterThan(0.5)
    }
  })
})
