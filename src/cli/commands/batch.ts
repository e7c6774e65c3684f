import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { type BatchFileStatus, parseShard, runBatch } from '../../engine/enhance/index.ts'
import { type CommonEnhanceFlags, interruptible, parseCommonFlags } from './enhance.ts'

interface BatchFlags extends CommonEnhanceFlags {
  jobs?: string
  skipExisting?: boolean
  overwrite?: boolean
  shard?: string
  report?: string
}

function formatEta(s: number | null): string {
  if (s === null) return '--'
  const t = Math.round(s)
  const h = Math.floor(t / 3600)
  const m = Math.floor((t % 3600) / 60)
  const sec = t % 60
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`
}

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('enhance every audio file in a folder (sub-folders mirrored, outputs .wav), several at once')
    .argument('<in_dir>', 'folder of audio files (searched recursively)')
    .argument('<out_dir>', 'folder for the enhanced WAV files')
    .option('--model <dir>', 'model folder (default: the bundled model)')
    .option('--jobs <n>', 'files enhanced at once, each in its own worker thread (default: cores, at most 4)')
    .option('--skip-existing', 'leave outputs that already exist alone (the default)')
    .option('--overwrite', 'replace outputs that already exist')
    .option('--shard <i/n>', 'enhance only shard i of n (1-based; file j of the sorted list goes to shard j mod n + 1)')
    .option('--report <file>', 'write a report as JSON and CSV (file, status, duration, time taken, error)')
    .option('--strength <s>', 'how much of the enhancement to apply, 0..1', '1')
    .option('--format <fmt>', "output sample format: pcm16, pcm24 or float32 (default: each input's)")
    .option('--no-match-loudness', "keep the model's output level instead of matching each input's loudness")
    .action(async (inDir: string, outDir: string, flags: BatchFlags) => {
      const common = parseCommonFlags(flags)
      if (flags.skipExisting && flags.overwrite) throw new Error('choose one of --skip-existing and --overwrite')
      let jobs: number | undefined
      if (flags.jobs !== undefined) {
        jobs = Number(flags.jobs)
        if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a whole number >= 1, got "${flags.jobs}"`)
      }
      const shard = flags.shard ? parseShard(flags.shard) : undefined
      const tty = process.stderr.isTTY === true
      const multi = new cliProgress.MultiBar(
        { format: '{label} |{bar}| {percentage}% {info}', stream: process.stderr, hideCursor: true, clearOnComplete: false, autopadding: true },
        cliProgress.Presets.shades_classic
      )
      const totalBar = tty ? multi.create(1000, 0, { label: 'total'.padEnd(24), info: '' }) : null
      const fileBars = new Map<string, cliProgress.SingleBar>()
      const short = (f: string) => (f.length > 24 ? '…' + f.slice(-23) : f.padEnd(24))
      const onFile = (s: BatchFileStatus) => {
        if (!tty) {
          if (s.status === 'done') console.log(`done     ${s.file} (${s.durationS?.toFixed(1)} s audio in ${s.computeS?.toFixed(1)} s)`)
          else if (s.status === 'failed') console.log(`FAILED   ${s.file}: ${s.error}`)
          else if (s.status === 'skipped') console.log(`skipped  ${s.file} (output exists)`)
          return
        }
        let bar = fileBars.get(s.file)
        if (s.status === 'running' && !bar) {
          bar = multi.create(100, 0, { label: short(s.file), info: '' })
          fileBars.set(s.file, bar)
        } else if (bar) {
          bar.update(Math.round(s.progress * 100))
          if (s.status !== 'running') {
            multi.remove(bar)
            fileBars.delete(s.file)
            if (s.status === 'failed') multi.log(`FAILED ${s.file}: ${s.error}\n`)
          }
        }
      }
      const stop = interruptible()
      let result
      try {
        result = await runBatch(
          { inDir, outDir, ...common, jobs, existing: flags.overwrite ? 'overwrite' : 'skip', shard, report: flags.report },
          {
            signal: stop.signal,
            onFile,
            onProgress: (p) => {
              totalBar?.update(Math.round(p.fraction * 1000), {
                info: `${p.done} done, ${p.failed} failed, ${p.skipped} skipped of ${p.total}, ETA ${formatEta(p.etaS)}`
              })
            }
          }
        )
      } finally {
        stop.dispose()
        if (tty) multi.stop()
      }
      const count = (s: BatchFileStatus['status']) => result.files.filter((f) => f.status === s).length
      console.log(
        `${result.files.length} files: ${count('done')} enhanced, ${count('skipped')} skipped, ${count('failed')} failed` +
          (result.cancelled ? `, ${count('cancelled')} cancelled` : '')
      )
      if (count('skipped') && !flags.overwrite) console.log('  (skipped files already had an output; use --overwrite to redo them)')
      for (const f of result.files) if (f.status === 'failed') console.log(`  failed: ${f.file}: ${f.error}`)
      for (const p of result.reportPaths) console.log(`report: ${p}`)
      if (result.cancelled) process.exit(130)
      if (count('failed')) process.exitCode = 1
    })
}
