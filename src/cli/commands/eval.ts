import type { Command } from 'commander'
import cliProgress from 'cli-progress'
import { evalDirs, METRIC_KEYS, type Metrics } from '../../engine/metrics/index.ts'

const HEADERS: Record<keyof Metrics, string> = { sisdr: 'SI-SDR dB', lsd: 'LSD', mcd: 'MCD dB', stoi: 'STOI', mrstft: 'MR-STFT' }
const DIGITS: Record<keyof Metrics, number> = { sisdr: 2, lsd: 3, mcd: 2, stoi: 3, mrstft: 3 }

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('score estimate files against reference files with the same relative path (SI-SDR, LSD, MCD, STOI, MR-STFT)')
    .requiredOption('--ref <dir>', 'folder of reference (real) audio')
    .requiredOption('--est <dir>', 'folder of estimates (enhanced or synthetic), same relative paths')
    .option('--json', 'print one JSON object {files, mean} on stdout')
    .action(async (opts: { ref: string; est: string; json?: boolean }) => {
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'eval [{bar}] {value}/{total} files', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic
      )
      let started = false
      const result = await evalDirs(opts.ref, opts.est, (done, total) => {
        if (!started) {
          bar.start(total, 0)
          started = true
        }
        bar.update(done)
      }).finally(() => {
        if (started) bar.stop()
      })
      const failed = result.files.filter((f) => 'error' in f)
      if (opts.json) {
        console.log(JSON.stringify(result))
      } else {
        const header = ['file', ...METRIC_KEYS.map((k) => HEADERS[k])]
        const fmt = (m: Metrics) => METRIC_KEYS.map((k) => (Number.isNaN(m[k]) ? '-' : m[k].toFixed(DIGITS[k])))
        const scored = result.files.filter((f): f is { file: string } & Metrics => !('error' in f))
        const meanLabel = `mean (${scored.length} files)`
        const widths = header.map((h, i) =>
          Math.max(h.length, i === 0 ? Math.max(meanLabel.length, ...scored.map((f) => f.file.length)) : 10)
        )
        console.log(row(header, widths))
        for (const f of scored) console.log(row([f.file, ...fmt(f)], widths))
        console.log(row([meanLabel, ...fmt(result.mean)], widths))
        for (const f of failed) console.log(`failed: ${f.file}: ${'error' in f ? f.error : ''}`)
      }
      if (failed.length > 0) {
        console.error(`dulcet eval: ${failed.length} of ${result.files.length} files could not be scored`)
        process.exitCode = 1
      }
    })
}
