import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { probeAudio, readAudio, readAudioBlocks, listAudioFiles, AUDIO_EXTENSIONS } from '../../src/engine/audio/index.ts'
import { dominantFrequency, toneAmplitude } from './tone.ts'

const dir = path.resolve(import.meta.dirname, '../fixtures/audio')

// Made by test/fixtures/make-audio-fixtures.sh with sox/ffmpeg: [file, container, rate, frames, bitDepth, format, wavFormat, tones per channel]
type Row = [string, string, number, number, number | null, string, string, number[]]
const FILES: Row[] = [
  ['u8_8k_mono.wav', 'wav', 8000, 2000, 8, 'int', 'pcm16', [440]],
  ['s16_22k_mono.wav', 'wav', 22050, 5512, 16, 'int', 'pcm16', [1000]],
  ['s16_44k_mono.wav', 'wav', 44100, 8820, 16, 'int', 'pcm16', [1000]],
  ['s24_16k_stereo.wav', 'wav', 16000, 4000, 24, 'int', 'pcm24', [440, 880]],
  ['s32_16k_mono.wav', 'wav', 16000, 4000, 32, 'int', 'float32', [1000]],
  ['f32_48k_mono.wav', 'wav', 48000, 9600, 32, 'float', 'float32', [1000]],
  ['f64_8k_stereo.wav', 'wav', 8000, 2000, 64, 'float', 'float32', [440, 880]],
  ['s16_16k_6ch.wav', 'wav', 16000, 3200, 16, 'int', 'pcm16', [300, 400, 500, 600, 700, 800]],
  ['ext_s24_48k_mono.wav', 'wav', 48000, 9600, 24, 'int', 'pcm24', [1000]],
  ['piped_sox_16k_mono.wav', 'wav', 16000, 4000, 16, 'int', 'pcm16', [1000]],
  ['piped_ffmpeg_16k_mono.wav', 'wav', 16000, 4000, 16, 'int', 'pcm16', [1000]],
  ['flac16_44k_mono.flac', 'flac', 44100, 13230, 16, 'int', 'pcm16', [1000]],
  ['flac24_48k_stereo.flac', 'flac', 48000, 14400, 24, 'int', 'pcm24', [440, 880]],
  ['mp3_44k_mono.mp3', 'mp3', 44100, 13230, null, 'compressed', 'pcm16', [1000]],
  ['vorbis_22k_stereo.ogg', 'ogg', 22050, 6615, null, 'compressed', 'pcm16', [440, 880]],
  ['opus_48k_mono.opus', 'opus', 48000, 14400, null, 'compressed', 'pcm16', [1000]],
  ['opus_named.ogg', 'opus', 48000, 14400, null, 'compressed', 'pcm16', [1000]]
]

describe('decoding files made by sox/ffmpeg', () => {
  it.each(FILES)('%s', async (file, container, rate, frames, bitDepth, sampleFormat, wavFormat, tones) => {
    const p = path.join(dir, file)
    const info = await probeAudio(p)
    expect(info).toEqual({ path: p, container, sampleRate: rate, channelCount: tones.length, frames, bitDepth, sampleFormat, wavFormat })
    const a = await readAudio(p)
    expect(a.info).toEqual(info)
    expect(a.sampleRate).toBe(rate)
    expect(a.channels).toHaveLength(tones.length)
    const lossy = sampleFormat === 'compressed'
    tones.forEach((f, c) => {
      const ch = a.channels[c]
      expect(ch).toHaveLength(frames)
      expect(dominantFrequency(ch, rate)).toBeCloseTo(f, -0.3) // within ~1 Hz
      // every tone was made at amplitude 0.5; lossy codecs and 8-bit keep it within a few percent
      expect(Math.abs(toneAmplitude(ch, rate, f) - 0.5)).toBeLessThan(lossy ? 0.03 : file.startsWith('u8') ? 0.01 : 0.002)
    })
  })

  it('8-bit unsigned samples are centred on zero', async () => {
    const a = await readAudio(path.join(dir, 'u8_8k_mono.wav'))
    const mean = a.channels[0].reduce((s, v) => s + v, 0) / a.channels[0].length
    expect(Math.abs(mean)).toBeLessThan(0.01)
  })

  it.each(['s24_16k_stereo.wav', 's16_16k_6ch.wav', 'flac24_48k_stereo.flac', 'vorbis_22k_stereo.ogg', 'mp3_44k_mono.mp3'])(
    'readAudioBlocks of %s concatenates to readAudio',
    async (file) => {
      const p = path.join(dir, file)
      const whole = await readAudio(p)
      for (const size of [1, 777, 4096, 1 << 20]) {
        const blocks: Float32Array[][] = []
        for await (const b of readAudioBlocks(p, size)) blocks.push(b)
        const n = blocks.reduce((s, b) => s + b[0].length, 0)
        expect(n).toBe(whole.info.frames)
        blocks.slice(0, -1).forEach((b) => expect(b[0].length).toBe(size))
        whole.channels.forEach((ch, c) => {
          const joined = new Float32Array(n)
          let at = 0
          for (const b of blocks) {
            joined.set(b[c], at)
            at += b[c].length
          }
          expect(joined).toEqual(ch)
        })
        if (size === 1) break // one-frame blocks once is enough
      }
    }
  )

  it('listAudioFiles finds the audio files recursively, sorted, relative', async () => {
    const list = await listAudioFiles(path.resolve(dir, '..'))
    expect(list).toContain('audio/s16_22k_mono.wav')
    expect(list).toContain('audio/opus_48k_mono.opus')
    expect(list.every((f) => AUDIO_EXTENSIONS.includes(path.extname(f)))).toBe(true)
    expect(list).not.toContain('make-audio-fixtures.sh')
    expect([...list].sort()).toEqual(list)
  })
})
