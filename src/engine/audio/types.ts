/** Decoded audio: samples nominally in [-1, 1], one Float32Array per channel, all the same length. */
export interface AudioData {
  sampleRate: number
  channels: Float32Array[]
}

/** The WAV sample formats Dulcet writes. */
export type WavFormat = 'pcm16' | 'pcm24' | 'float32'

export type AudioContainer = 'wav' | 'flac' | 'mp3' | 'ogg' | 'opus'

export interface AudioFileInfo {
  path: string
  container: AudioContainer
  sampleRate: number
  channelCount: number
  frames: number
  /** bits per stored sample for WAV and FLAC; null for lossy formats */
  bitDepth: number | null
  sampleFormat: 'int' | 'float' | 'compressed'
  /** the output format that best matches the input: 16-bit int -> pcm16, 24 -> pcm24, float/32 -> float32, compressed -> pcm16 */
  wavFormat: WavFormat
}

/** File extensions Dulcet reads (lower case, with the dot). */
export const AUDIO_EXTENSIONS: readonly string[] = ['.wav', '.flac', '.mp3', '.ogg', '.oga', '.opus']

/** The output format that best keeps an input of this kind. */
export function matchingWavFormat(sampleFormat: 'int' | 'float' | 'compressed', bitDepth: number | null): WavFormat {
  if (sampleFormat === 'float') return 'float32'
  if (sampleFormat === 'int' && bitDepth !== null) {
    if (bitDepth >= 32) return 'float32'
    if (bitDepth > 16) return 'pcm24'
  }
  return 'pcm16'
}
