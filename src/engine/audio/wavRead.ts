/** Incremental WAV reading: the header is parsed once, then the data chunk is read block by block. */
import type { FileHandle } from 'node:fs/promises'
import { AudioFileError } from '../errors.ts'
import { decodeWavSamples, type WavLayout } from './wavHeader.ts'

/** Reads `frames` frames starting at frame `start` into `out` at `outOffset`; throws on NaN/Inf or a short read. */
export async function readWavFrames(
  fh: FileHandle,
  file: string,
  layout: WavLayout,
  start: number,
  frames: number,
  out: Float32Array[],
  outOffset: number
): Promise<void> {
  const length = frames * layout.bytesPerFrame
  const buf = Buffer.alloc(length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, layout.dataOffset + start * layout.bytesPerFrame + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  if (got < length) throw new AudioFileError(file, 'the file became shorter while it was being read')
  const bad = decodeWavSamples(buf, layout, frames, out, outOffset)
  if (bad >= 0) {
    throw new AudioFileError(file, `contains invalid samples (NaN or infinity) at ${((start + bad) / layout.sampleRate).toFixed(3)} s`)
  }
}
