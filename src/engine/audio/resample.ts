/**
 * Sample-rate conversion with libsamplerate (wasm). SINC_MEDIUM_QUALITY: about -121 dB stop-band rejection and
 * a 90% pass-band, far below the 16-bit noise floor (-98 dB), at roughly a quarter of SINC_BEST's cost
 * (measured here: 10 s 44.1k->16k in 0.24 s vs 1.0 s). SINC_BEST's extra rejection is inaudible for speech.
 */
import lsr from '@alexanderolsen/libsamplerate-js'

const { create, ConverterType } = lsr

/** Resamples one channel; the output has exactly round(len * toRate / fromRate) samples, time-aligned with the input. */
export async function resample(x: Float32Array, fromRate: number, toRate: number): Promise<Float32Array> {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`invalid sample rates ${fromRate} -> ${toRate}`)
  const outLength = Math.round((x.length * toRate) / fromRate)
  if (fromRate === toRate) return x.slice()
  if (x.length === 0) return new Float32Array(0)
  const src = await create(1, fromRate, toRate, { converterType: ConverterType.SRC_SINC_MEDIUM_QUALITY })
  try {
    const y = src.simple(x)
    if (y.length === outLength) return y
    const out = new Float32Array(outLength)
    out.set(y.subarray(0, Math.min(outLength, y.length)))
    return out
  } finally {
    src.destroy()
  }
}
