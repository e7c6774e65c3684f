import { describe, expect, it } from 'vitest'
import { frameCount, istft, magnitude, stft } from '../../src/engine/dsp/stft.ts'

function noise(n: number, seed = 1): Float32Array {
  let s = seed
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    x[i] = s / 2 ** 32 - 0.5
  }
  return x
}

describe('stft / istft', () => {
  it.each([
    [512, 128, undefined],
    [512, 256, undefined],
    [1024, 120, 600],
    [256, 64, 200]
  ])('istft(stft(x)) reconstructs x exactly (nFft %i, hop %i, win %s)', (nFft, hop, winLength) => {
    for (const n of [5000, 4097, 100]) {
      const x = noise(n, n)
      const spec = stft(x, { nFft, hop, winLength })
      expect(spec.re).toHaveLength(frameCount(n, { nFft, hop }))
      expect(spec.re[0]).toHaveLength(nFft / 2 + 1)
      const y = istft(spec, { nFft, hop, winLength, length: n })
      let err = 0
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(y[i] - x[i]))
      expect(err).toBeLessThan(1e-5)
    }
  })

  it('a sine on a bin centre shows one peak of height A * sum(w) / 2', () => {
    const nFft = 512
    const k0 = 32
    const x = new Float32Array(4096)
    for (let i = 0; i < x.length; i++) x[i] = 0.8 * Math.cos((2 * Math.PI * k0 * i) / nFft)
    const m = magnitude(stft(x, { nFft, hop: 128 }))
    const mid = m[Math.floor(m.length / 2)]
    let best = 0
    for (let k = 1; k < mid.length; k++) if (mid[k] > mid[best]) best = k
    expect(best).toBe(k0)
    // periodic Hann sums to nFft/2
    expect(mid[k0]).toBeCloseTo((0.8 * nFft) / 4, 2)
    expect(mid[k0 + 5] / mid[k0]).toBeLessThan(1e-5)
  })

  it('rejects a non power-of-two size', () => {
    expect(() => stft(new Float32Array(100), { nFft: 500, hop: 100 })).toThrow(/power of two/)
  })
})
