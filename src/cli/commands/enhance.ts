import { basename, dirname, extname, join } from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import type { WavFormat } from '../../engine/audio/index.ts'
import { enhanceFile } from '../../engine/enhance/index.ts'
import { CancelledError } from '../../engine/errors.ts'
import { defaultModelDir } from '../../engine/paths.ts'

const BANDWIDTH_NOTE = {
  full: 'full-band: no missing high band to restore',
  limited: 'band-limited: the missing high band was restored'
} as const

export interface CommonEnhanceFlags {
  model?: string
  strength?: string
  format?: string
  matchLoudness?: boolean
}

/** Checks the flags both enhance and batch take; throws with a plain message for the first bad one. */
export function parseCommonFlags(f: CommonEnhanceFlags): { model: string; strength: number; format?: WavFormat; matchLoudness: boolean } {
  const strength = f.strength === undefined ? 1 : Number(f.strength)
  if (!(Number.isFinite(strength) && strength >= 0 && strength <= 1)) throw new Error(`--strength must be a number from 0 to 1, got "${f.strength}"`)
  if (f.format !== undefined && !['pcm16', 'pcm24', 'float32'].includes(f.format)) {
    throw new Error(`--format must be pcm16, pcm24 or float32, got "${f.format}"`)
  }
  return { model: f.model ?? defaultModelDir(), strength, format: f.format as WavFormat | undefined, matchLoudness: f.matchLoudness !== false }
}

/** <dir>/<name>.enhanced.wav next to the input. */
export function defaultOutputPath(input: string): string {
  const name = basename(input, extname(input))
  return join(dirname(input), `${name}.enhanced.wav`)
}

/** An AbortController that Ctrl-C (SIGINT) and SIGTERM abort, so the work cleans up before exiting. */
export function interruptible(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController()
  const stop = () => {
    if (ac.signal.aborted) process.exit(130)
    process.stderr.write('\ncancelling (press Ctrl-C again to quit at once)...\n')
    ac.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}

export function registerEnhance(program: Command): void {
  program
    .command('enhance')
    .description('enhance one audio file with a trained model (writes a WAV; the input is never modified)')
    .argument('<in>', 'input audio file (wav, flac, mp3, ogg, opus)')
    .option('-o, --output <file>', 'output WAV file (default: <name>.enhanced.wav next to the input)')
    .option('--model <dir>', 'model folder (default: the bundled model)')
    .option('--strength <s>', 'how much of the enhancement to apply, 0..1', '1')
    .option('--format <fmt>', "output sample format: pcm16, pcm24 or float32 (default: the input's)")
    .option('--no-match-loudness', "keep the model's output level instead of matching the input's loudness")
    .action(async (input: string, flags: CommonEnhanceFlags & { output?: string }) => {
      const o = parseCommonFlags(flags)
      const output = flags.output ?? defaultOutputPath(input)
      const tty = process.stderr.isTTY === true
      const bar = new cliProgress.SingleBar(
        { format: 'enhancing |{bar}| {percentage}% | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic
      )
      if (tty) bar.start(100, 0)
      const stop = interruptible()
      try {
        const r = await enhanceFile(input, output, o, { signal: stop.signal, onProgress: (f) => tty && bar.update(Math.round(f * 100)) })
        if (tty) bar.stop()
        const gain = Number.isFinite(r.gainDb) ? `${r.gainDb >= 0 ? '+' : ''}${r.gainDb.toFixed(1)} dB` : 'n/a'
        console.log(`${r.output}`)
        console.log(
          `  ${r.durationS.toFixed(2)} s, ${r.sampleRate} Hz, ${r.channels} ch, ${r.format}; ${r.computeS.toFixed(2)} s ` +
            `(${(r.durationS / Math.max(r.computeS, 1e-3)).toFixed(1)}x faster than real time); gain ${gain}`
        )
        if (r.bandwidth) console.log(`  input ${BANDWIDTH_NOTE[r.bandwidth]}`)
      } catch (e) {
        if (tty) bar.stop()
        if (e instanceof CancelledError) {
          console.error('dulcet: cancelled; no output was written')
          process.exit(130)
        }
        throw e
      } finally {
        stop.dispose()
      }
    })
}
