import { readFile } from 'node:fs/promises'
import { InvalidArgumentError, type Command } from 'commander'
import cliProgress from 'cli-progress'
import { initBackend } from '../../engine/backend.ts'
import { ConfigError } from '../../engine/errors.ts'
import { isPresetName, parseTrainConfig, TRAIN_PRESETS, withPreset } from '../../engine/train/config.ts'
import { train } from '../../engine/train/trainer.ts'
import type { LoggedStep, TrainEvent } from '../../engine/train/types.ts'

interface TrainCliOptions {
  synthetic: string
  real: string
  config?: string
  preset: string
  out: string
  steps?: number
  resume?: string
  init?: string
  deviationThreshold?: number
}

function positiveInt(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1')
  return n
}

function nonNegative(v: string): number {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of at least 0')
  return n
}

async function readConfigFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new ConfigError([`${path}: cannot read the config file (${e instanceof Error ? e.message : String(e)})`])
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ConfigError([`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`])
  }
}

function describeEvent(e: TrainEvent): string {
  switch (e.kind) {
    case 'diagnostic':
      return `[${e.severity}] step ${e.step} ${e.detector}: ${e.message}\n    advice: ${e.advice}`
    case 'checkpoint': {
      const v = e.validation
      const val = v ? ` (validation LSD ${v.lsd?.toFixed(3)}, MCD ${v.mcd?.toFixed(2)}, STOI ${v.stoi?.toFixed(3)})` : ''
      return `checkpoint step ${e.step}${e.best ? ' [best]' : ''}${val}: ${e.path}`
    }
    case 'info':
      return e.message
  }
}

/** A cli-progress bar on a terminal; plain lines (about 20 per run) when the output is a pipe or a file. */
class ProgressView {
  private readonly tty = Boolean(process.stderr.isTTY)
  private multi: cliProgress.MultiBar | undefined
  private bar: cliProgress.SingleBar | undefined
  private total = 0
  private last = 0
  private rate = 0

  start(total: number, startStep: number): void {
    this.total = total
    this.last = performance.now()
    if (!this.tty) return
    this.multi = new cliProgress.MultiBar(
      { format: 'step {value}/{total} [{bar}] D {lossD} G {lossG} gap {gap} | {rate} steps/s', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic
    )
    this.bar = this.multi.create(total, startStep, { lossD: '-', lossG: '-', gap: '-', rate: '-' })
  }

  step(s: LoggedStep): void {
    const now = performance.now()
    const r = 1000 / Math.max(1e-3, now - this.last)
    this.rate = this.rate === 0 ? r : 0.9 * this.rate + 0.1 * r
    this.last = now
    const p = { lossD: s.lossD.toFixed(3), lossG: s.lossG.toFixed(3), gap: s.gap.toFixed(3), rate: this.rate.toFixed(2) }
    if (this.bar) this.bar.update(s.step, p)
    else if (s.step % Math.max(1, Math.round(this.total / 20)) === 0 || s.step === this.total) {
      console.log(`step ${s.step}/${this.total}  D ${p.lossD}  G ${p.lossG}  gap ${p.gap}  ${p.rate} steps/s`)
    }
  }

  log(line: string): void {
    if (this.multi) {
      this.multi.log(line + '\n')
      this.multi.update() // draw it now: a line logged just before stop() would otherwise be lost
    } else console.log(line)
  }

  stop(): void {
    this.multi?.stop()
    this.multi = undefined
    this.bar = undefined
  }
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('fine-tune the GAN on your synthetic speech (--synthetic) against real recordings (--real)')
    .requiredOption('--synthetic <dir>', 'folder of synthetic (TTS) speech, searched recursively')
    .requiredOption('--real <dir>', 'folder of real recordings; files with the same relative path are used as pairs')
    .option('--config <json>', 'a TrainConfig JSON file (partial; laid over the preset)')
    .option('--preset <name>', `one of ${Object.keys(TRAIN_PRESETS).join(', ')}`, 'standard')
    .option('--out <run>', 'run folder (config, logs, checkpoints, exported model)', 'runs/train')
    .option('--steps <n>', 'total training steps', positiveInt)
    .option('--resume <run>', 'continue the run in this folder from its latest checkpoint')
    .option('--init <model>', 'start the generator from this enhancer model folder (fine-tuning)')
    .option('--deviation-threshold <tau>', 'deviation the generator may make freely (default 0.1)', nonNegative)
    .action(async (o: TrainCliOptions) => {
      let config: unknown
      try {
        if (!isPresetName(o.preset)) throw new ConfigError([`--preset: "${o.preset}" is not a preset; use one of ${Object.keys(TRAIN_PRESETS).join(', ')}`])
        config = withPreset(o.preset, o.config ? await readConfigFile(o.config) : {})
        if (!o.resume) parseTrainConfig(config)
      } catch (e) {
        if (e instanceof ConfigError) {
          console.error(`dulcet train: ${e.message}`)
          process.exit(2)
        }
        throw e
      }
      const backend = await initBackend()
      console.log(`backend: ${backend.backend}`)
      const abort = new AbortController()
      const view = new ProgressView()
      const onSigint = () => {
        if (abort.signal.aborted) process.exit(130)
        abort.abort()
        view.log('Stopping after this step: writing a checkpoint and exporting the model (Ctrl-C again quits at once).')
      }
      process.on('SIGINT', onSigint)
      try {
        const result = await train(
          {
            synthetic: o.synthetic,
            real: o.real,
            out: o.resume ?? o.out,
            config,
            ...(o.steps !== undefined ? { steps: o.steps } : {}),
            ...(o.resume ? { resume: true } : {}),
            ...(o.init ? { init: o.init } : {}),
            ...(o.deviationThreshold !== undefined ? { deviationThreshold: o.deviationThreshold } : {})
          },
          {
            signal: abort.signal,
            onStart: ({ config: c, startStep }) => view.start(c.steps, startStep),
            onStep: (s) => view.step(s),
            onEvent: (e) => view.log(describeEvent(e))
          }
        )
        view.stop()
        console.log(`${result.stopped ? 'Stopped' : 'Done'} after ${result.steps} steps. Model: ${result.modelDir}`)
      } catch (e) {
        view.stop()
        if (e instanceof ConfigError) {
          console.error(`dulcet train: ${e.message}`)
          process.exit(2)
        }
        throw e
      } finally {
        process.off('SIGINT', onSigint)
      }
    })
}
