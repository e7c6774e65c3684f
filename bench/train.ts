/**
 * Training throughput for the default ('standard') config on the active backend: steps/s and
 * audio-seconds/s (batch x segment per second) over a short window after warm-up, plus peak RSS.
 * Data: ../shared/data/speech-dev, gl32 (synthetic) -> clean (real).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { initBackend } from '../src/engine/backend.ts'
import { parseTrainConfig, withPreset } from '../src/engine/train/config.ts'
import { train } from '../src/engine/train/trainer.ts'

const DEV = resolve(import.meta.dirname, '../../shared/data/speech-dev')
const WARMUP_STEPS = 1
const MAX_MEASURED_STEPS = 30
const MIN_MEASURED_STEPS = 2
const MAX_MEASURED_SECONDS = 45

export async function benchTrain(): Promise<Record<string, number | string>> {
  const backend = await initBackend()
  // validation is off: it runs only at checkpoints and would count in the wall time, not in steps/s
  const config = parseTrainConfig(withPreset('standard', { validationFraction: 0 }))
  const out = await mkdtemp(join(tmpdir(), 'dulcet-bench-train-'))
  const abort = new AbortController()
  const times: number[] = []
  let measureStart = 0
  let last = 0
  try {
    const started = performance.now()
    await train(
      { synthetic: join(DEV, 'gl32'), real: join(DEV, 'clean'), out, config },
      {
        signal: abort.signal,
        onStart: () => {
          last = performance.now()
        },
        onStep: (s) => {
          const now = performance.now()
          if (s.step === WARMUP_STEPS) measureStart = now
          else if (s.step > WARMUP_STEPS) times.push((now - last) / 1000)
          last = now
          const long = measureStart > 0 && now - measureStart > MAX_MEASURED_SECONDS * 1000
          if (times.length >= MAX_MEASURED_STEPS || (long && times.length >= MIN_MEASURED_STEPS)) abort.abort()
        }
      }
    )
    const seconds = times.reduce((a, b) => a + b, 0)
    const stepsPerSecond = times.length / seconds
    const sorted = [...times].sort((a, b) => a - b)
    return {
      backend: backend.backend,
      config: 'standard',
      batchSize: config.batchSize,
      segmentSeconds: config.segmentSeconds,
      measuredSteps: times.length,
      stepsPerSecond: Number(stepsPerSecond.toFixed(4)),
      audioSecondsPerSecond: Number((stepsPerSecond * config.batchSize * config.segmentSeconds).toFixed(3)),
      medianStepSeconds: Number(sorted[Math.floor(sorted.length / 2)].toFixed(3)),
      totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024)
    }
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchTrain(), null, 2))
}
