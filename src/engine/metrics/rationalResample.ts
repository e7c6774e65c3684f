/**
 * Synchronous band-limited resampling by a rational factor (windowed-sinc, Kaiser beta 8, 16 zero crossings
 * each side), for the metrics that need a fixed rate inside a synchronous call (STOI at 10 kHz).
 * y[n] = sum_k x[k] h(n q / p - k),  h(t) = fc sinc(fc t) kaiser(t / half),  fc = min(1, p / q);
 * the p distinct fractional phases are tabulated once. Output length ceil(len * p / q).
 */
function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

function besselI0(x: number): number {
  let sum = 1
  let term = 1
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2
    sum += term
    if (term < 1e-12 * sum) break
  }
  return sum
}

export function resampleRational(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return x.slice()
  const g = gcd(fromRate, toRate)
  const p = toRate / g
  const q = fromRate / g
  const fc = Math.min(1, p / q)
  const zeros = 16
  const beta = 8
  const half = Math.ceil(zeros / fc)
  const taps = 2 * half
  const i0b = besselI0(beta)
  // table[phase][j] = h(frac - (j - half + 1)), frac = phase / p
  const table = Array.from({ length: p }, (_, phase) => {
    const frac = phase / p
    return Float64Array.from({ length: taps }, (_, j) => {
      const t = frac - (j - half + 1)
      const u = t / half
      if (Math.abs(u) >= 1) return 0
      const s = t === 0 ? 1 : Math.sin(Math.PI * fc * t) / (Math.PI * fc * t)
      return fc * s * (besselI0(beta * Math.sqrt(1 - u * u)) / i0b)
    })
  })
  const outLen = Math.ceil((x.length * p) / q)
  const y = new Float32Array(outLen)
  for (let n = 0; n < outLen; n++) {
    const num = n * q
    const base = Math.floor(num / p)
    const h = table[num - base * p]
    let s = 0
    const k0 = base - half + 1
    const jStart = Math.max(0, -k0)
    const jEnd = Math.min(taps, x.length - k0)
    for (let j = jStart; j < jEnd; j++) s += h[j] * x[k0 + j]
    y[n] = s
  }
  return y
}
