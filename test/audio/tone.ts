// Helpers that measure a sine in decoded audio, independently of the code under test.

/** Amplitude of the component at `freq` Hz (least-squares projection on sin/cos over whole periods of the middle). */
export function toneAmplitude(x: Float32Array, sampleRate: number, freq: number, skip = 0.1): number {
  const start = Math.floor(x.length * skip)
  const periods = Math.floor(((x.length - 2 * start) * freq) / sampleRate)
  const n = Math.round((periods * sampleRate) / freq)
  let re = 0
  let im = 0
  for (let i = start; i < start + n; i++) {
    const w = (2 * Math.PI * freq * i) / sampleRate
    re += x[i] * Math.cos(w)
    im += x[i] * Math.sin(w)
  }
  return (2 * Math.hypot(re, im)) / n
}

/** Frequency from upward zero crossings (linearly interpolated) over the middle 80 % of the signal. */
export function dominantFrequency(x: Float32Array, sampleRate: number): number {
  const start = Math.floor(x.length * 0.1)
  const end = Math.floor(x.length * 0.9)
  const crossings: number[] = []
  for (let i = start; i < end - 1; i++) {
    if (x[i] <= 0 && x[i + 1] > 0) crossings.push(i + x[i] / (x[i] - x[i + 1]))
  }
  if (crossings.length < 2) return 0
  return ((crossings.length - 1) * sampleRate) / (crossings[crossings.length - 1] - crossings[0])
}

export function sine(freq: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(Math.round(sampleRate * seconds))
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate)
  return x
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}
