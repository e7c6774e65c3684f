import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { probeAudio, readAudio, readAudioBlocks } from '../../src/engine/audio/index.ts'
import { AudioFileError } from '../../src/engine/errors.ts'

const dir = path.resolve(import.meta.dirname, '../fixtures/audio')

const CASES: Array<[string, RegExp]> = [
  ['bad_empty.wav', /empty \(0 bytes\)/],
  ['bad_truncated.wav', /truncated.*0\.25 s.*0\.04 s/],
  ['bad_zero_length.wav', /no audio samples/],
  ['bad_nan.wav', /NaN or infinity\) at 0\.19\d s/],
  ['bad_text.wav', /unsupported format.*text file/],
  ['bad_aiff.wav', /unsupported format.*AIFF/],
  ['bad_mulaw.wav', /unsupported WAV encoding: mu-law/],
  ['bad_truncated_flac.flac', /truncated.*0\.30 s/],
  ['bad_garbage.flac', /no audio could be decoded from this FLAC file/],
  ['does_not_exist.wav', /file not found/]
]

async function errorOf(p: Promise<unknown>): Promise<AudioFileError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(AudioFileError)
    return e as AudioFileError
  }
  throw new Error('expected an AudioFileError, got success')
}

async function drain(p: string): Promise<void> {
  for await (const b of readAudioBlocks(p, 1024)) expect(b.length).toBeGreaterThan(0)
}

describe('bad input gives an AudioFileError naming the file and the problem', () => {
  it.each(CASES)('%s', async (file, problem) => {
    const p = path.join(dir, file)
    // one at a time: a second read started early could reject before anything awaits it
    for (const attempt of [() => readAudio(p), () => drain(p)]) {
      const e = await errorOf(attempt())
      expect(e.file).toBe(p)
      expect(e.problem).toMatch(problem)
      expect(e.message).toContain(p)
      expect(e.message).not.toMatch(/\n\s+at /) // no stack trace in what users see
    }
    // probe reports the same as a read, except where only the samples show the problem: NaN, and a compressed
    // file cut short (probe reads the length from the header instead of decoding)
    if (file === 'bad_nan.wav' || file === 'bad_truncated_flac.flac') expect((await probeAudio(p)).frames).toBeGreaterThan(0)
    else expect((await errorOf(probeAudio(p))).problem).toMatch(problem)
  })

  it('a folder is not an audio file', async () => {
    const e = await errorOf(readAudio(dir))
    expect(e.problem).toMatch(/folder/)
  })

  it('a WAV header with an absurd format chunk is reported, not crashed on', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'dulcet-bad-'))
    try {
      const h = Buffer.alloc(44)
      h.write('RIFF', 0, 'latin1')
      h.writeUInt32LE(36, 4)
      h.write('WAVEfmt ', 8, 'latin1')
      h.writeUInt32LE(16, 16)
      h.writeUInt16LE(1, 20)
      h.writeUInt16LE(0, 22) // zero channels
      h.writeUInt32LE(16000, 24)
      h.writeUInt16LE(16, 34)
      h.write('data', 36, 'latin1')
      const p = path.join(tmp, 'zero-channels.wav')
      await writeFile(p, h)
      expect((await errorOf(readAudio(p))).problem).toMatch(/0 channels/)
    } finally {
      await rm(tmp, { recursive: true })
    }
  })
})

describe('bounded memory', () => {
  it('opens an hour-long WAV and streams its first blocks without loading the file', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'dulcet-long-'))
    try {
      const rate = 48000
      const frames = rate * 3600
      const dataBytes = frames * 2 * 4 // stereo float32: 1.38 GB, a sparse file on disk
      const h = Buffer.alloc(58)
      h.write('RIFF', 0, 'latin1')
      h.writeUInt32LE(50 + dataBytes, 4)
      h.write('WAVEfmt ', 8, 'latin1')
      h.writeUInt32LE(18, 16)
      h.writeUInt16LE(3, 20)
      h.writeUInt16LE(2, 22)
      h.writeUInt32LE(rate, 24)
      h.writeUInt32LE(rate * 8, 28)
      h.writeUInt16LE(8, 32)
      h.writeUInt16LE(32, 34)
      h.write('fact', 38, 'latin1')
      h.writeUInt32LE(4, 42)
      h.writeUInt32LE(frames, 46)
      h.write('data', 50, 'latin1')
      h.writeUInt32LE(dataBytes, 54)
      const p = path.join(tmp, 'hour.wav')
      const fh = await open(p, 'w')
      await fh.write(h, 0, h.length, 0)
      await fh.truncate(58 + dataBytes)
      await fh.close()
      const info = await probeAudio(p)
      expect(info.frames).toBe(frames)
      expect(info.channelCount).toBe(2)
      const before = process.memoryUsage().rss
      let blocks = 0
      for await (const b of readAudioBlocks(p, rate)) {
        expect(b[0]).toHaveLength(rate)
        if (++blocks === 20) break
      }
      expect(blocks).toBe(20)
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
    } finally {
      await rm(tmp, { recursive: true })
    }
  })
})
