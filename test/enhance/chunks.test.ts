import { describe, expect, it } from 'vitest'
import { chunkAt, chunkWeights, finalizedAfter, makePlan } from '../../src/engine/enhance/chunks.ts'

function chunks(plan: ReturnType<typeof makePlan>, total: number) {
  const out = []
  for (let k = 0; ; k++) {
    const c = chunkAt(plan, k, total)
    if (!c) break
    out.push(c)
    if (c.last) break
  }
  return out
}

describe('chunk planning', () => {
  const plans = [
    makePlan({ hop: 1000, overlap: 200, context: 300 }),
    makePlan({ hop: 441 * 3, overlap: 100, context: 1000, grid: 441 }),
    makePlan({ hop: 64, overlap: 64, context: 0 }),
    makePlan({ hop: 500, overlap: 0, context: 10 })
  ]
  const totals = [1, 63, 64, 999, 1000, 1001, 2000, 2099, 2100, 7777]

  it('crossfade weights of all chunks sum to one at every frame, and chunks cover the whole signal', () => {
    for (const plan of plans) {
      for (const total of totals) {
        const sum = new Float64Array(total)
        for (const c of chunks(plan, total)) {
          const w = chunkWeights(plan, c)
          expect(w.length).toBe(c.outEnd - c.outStart)
          for (let i = 0; i < w.length; i++) sum[c.outStart + i] += w[i]
        }
        let worst = 0
        for (let i = 0; i < total; i++) worst = Math.max(worst, Math.abs(sum[i] - 1))
        expect(worst).toBeLessThan(1e-12)
      }
    }
  })

  it('each chunk sees its context, starts on the grid, and finalises output in order', () => {
    for (const plan of plans) {
      for (const total of totals) {
        let finished = 0
        for (const c of chunks(plan, total)) {
          expect(c.inStart % plan.grid).toBe(0)
          expect(c.inStart).toBeLessThanOrEqual(Math.max(0, c.outStart - plan.context))
          expect(c.inEnd).toBe(Math.min(total, c.outEnd + plan.context))
          expect(c.outStart).toBeLessThanOrEqual(finished)
          const f = finalizedAfter(plan, c)
          expect(f).toBeGreaterThanOrEqual(finished)
          finished = f
        }
        expect(finished).toBe(total)
      }
    }
  })
})
