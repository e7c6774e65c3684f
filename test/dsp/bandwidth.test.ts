import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { readAudio, resample } from '../../src/engine/audio/index.ts'
import { BandwidthMeter, FULL_BAND_THRESHOLD_DB, measureBandwidth } from '../../src/engine/dsp/bandwidth.ts'

const data = path.resolve(import.meta.dirname, '../../../shared/data/speech-dev')
const CLIPS = ['ast-en_call-fwd-on-busy.wav', 'lj_LJ001-0003.wav']
const BAND_LIMITED = ['lp4k', 'codec2_3200', 'opus6k']

async function clip(kind: string, name: string): Promise<Float32Array> {
  const a = await readAudio(path.join(data, kind, name))
  expect(a.sampleRate).toBe(16000)
  return a.channels[0]
}

function inBlocks(x: Float32Array[], sizes: number[], rate: number) {
  const meter = new BandwidthMeter(rate, x.length)
  let pos = 0
  for (let i = 0; pos < x[0].length; i++) {
    const n = sizes[i % sizes.length]
    meter.add(x.map((ch) => ch.subarray(pos, pos + n)))
    pos += n
  }
  return meter.verdict()
}

describe('measureBandwidth on the dev set', () => {
  it.each(CLIPS)('calls clean and Griffin-Lim %s full-band and its band-limited versions not', async (name) => {
    for (const kind of ['clean', 'gl32']) {
      const v = measureBandwidth([await clip(kind, name)], 16000)
      expect(v.fullBand, kind).toBe(true)
      expect(v.highBandDb, kind).toBeGreaterThan(FULL_BAND_THRESHOLD_DB + 5)
    }
    for (const kind of BAND_LIMITED) {
      const v = measureBandwidth([await clip(kind, name)], 16000)
      expect(v.fullBand, kind).toBe(false)
      expect(v.highBandDb, kind).toBeLessThan(FULL_BAND_THRESHOLD_DB - 5)
    }
  })

  it('gives the same verdict fed in blocks of odd sizes as in one call', async () => {
    for (const kind of ['clean', 'lp4k']) {
      const x = [await clip(kind, CLIPS[1])]
      const whole = measureBandwidth(x, 16000)
      for (const sizes of [[1000], [4097], [1, 255, 513, 7]]) {
        // the frames are the same ones, so the histogram and the result are too
        expect(inBlocks(x, sizes, 16000)).toEqual(whole)
      }
    }
  })

  it('gives a stereo file of two copies of a clip the mono verdict', async () => {
    for (const kind of ['clean', 'opus6k']) {
      const x = await clip(kind, CLIPS[0])
      const mono = measureBandwidth([x], 16000)
      const stereo = measureBandwidth([x, x.slice()], 16000)
      expect(stereo.fullBand).toBe(mono.fullBand)
      expect(Math.abs(stereo.highBandDb - mono.highBandDb)).toBeLessThan(0.5)
    }
  })

  it('keeps the verdict of a clip resampled to 48 kHz', async () => {
    for (const kind of ['clean', 'lp4k']) {
      const x = await clip(kind, CLIPS[1])
      const at16 = measureBandwidth([x], 16000)
      const at48 = measureBandwidth([await resample(x, 16000, 48000)], 48000)
      expect(at48.fullBand, kind).toBe(at16.fullBand)
      expect(Math.abs(at48.highBandDb - at16.highBandDb), kind).toBeLessThan(3)
    }
  })

  it('calls an 8 kHz signal band-limited without measuring it', async () => {
    const x = await resample(await clip('clean', CLIPS[1]), 16000, 8000)
    expect(measureBandwidth([x], 8000)).toEqual({ fullBand: false, highBandDb: -Infinity })
    expect(inBlocks([x], [777], 8000)).toEqual({ fullBand: false, highBandDb: -Infinity })
  })
})

describe('measureBandwidth on edge cases', () => {
  it('finds no loud frame in silence or in a signal shorter than one frame', async () => {
    const none = { fullBand: false, highBandDb: -Infinity }
    expect(measureBandwidth([new Float32Array(16000)], 16000)).toEqual(none)
    const x = await clip('clean', CLIPS[1])
    expect(measureBandwidth([x.subarray(8000, 8000 + 511)], 16000)).toEqual(none)
    expect(measureBandwidth([x.subarray(8000, 8000 + 512)], 16000).highBandDb).toBeGreaterThan(-Infinity)
    // 32 ms at 48 kHz is 1536 samples; the nearest power of two (in log terms) is 2048
    const y = await resample(x, 16000, 48000)
    expect(measureBandwidth([y.subarray(24000, 24000 + 2047)], 48000)).toEqual(none)
    expect(measureBandwidth([y.subarray(24000, 24000 + 2048)], 48000).highBandDb).toBeGreaterThan(-Infinity)
  })

  it('measures the ratio of the two bands: white noise has 80 high-band bins to 124 low-band ones (-1.9 dB)', () => {
    let s = 7
    const x = new Float32Array(16000 * 5)
    for (let i = 0; i < x.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      x[i] = s / 2 ** 32 - 0.5
    }
    const v = measureBandwidth([x], 16000)
    // the 95th percentile over frames sits above the mean ratio: -0.6 to -0.25 dB for five seeds in numpy
    expect(v.highBandDb).toBeGreaterThan(-1.9)
    expect(v.highBandDb).toBeLessThan(0)
    expect(v.fullBand).toBe(true)
  })

  it('rejects blocks whose channel count is not the meter’s', () => {
    const meter = new BandwidthMeter(16000, 2)
    expect(() => meter.add([new Float32Array(10)])).toThrow(RangeError)
  })
})
