/**
 * A small seeded PRNG (sfc32) whose whole state is four 32-bit words, so a checkpoint can save it
 * and a resumed run draws exactly the same crops as an uninterrupted one.
 */
export type RngState = [number, number, number, number]

export class Rng {
  private s: Uint32Array

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      this.s = Uint32Array.from(seed)
    } else {
      this.s = Uint32Array.from([0x9e3779b9, seed >>> 0, 0x243f6a88 ^ (seed * 31), 1])
      for (let i = 0; i < 16; i++) this.nextUint32()
    }
  }

  nextUint32(): number {
    const s = this.s
    const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0
    s[3] = (s[3] + 1) >>> 0
    s[0] = s[1] ^ (s[1] >>> 9)
    s[1] = (s[2] + (s[2] << 3)) >>> 0
    s[2] = ((s[2] << 21) | (s[2] >>> 11)) >>> 0
    s[2] = (s[2] + t) >>> 0
    return t
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }

  setState(state: RngState): void {
    this.s = Uint32Array.from(state)
  }

  getState(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]]
  }
}
