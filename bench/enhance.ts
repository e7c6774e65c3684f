/**
 * Enhancement benchmarks (called by bench/index.ts; also runnable alone: `npx tsx bench/enhance.ts`):
 *   - real-time factor (compute s per audio s) per backend (wasm, cpu), each in its own child process since a
 *     tfjs instance has one backend;
 *   - batch throughput (audio s per wall s) with --jobs 1 and 2 on 12 five-minute files;
 *   - peak memory (RSS) and time enhancing a 60-minute 16 kHz file generated at bench time.
 * The model is the bundled resources/models/default.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createWavWriter } from '../src/engine/audio/index.ts'
import { enhanceFile, runBatch } from '../src/engine/enhance/index.ts'
import { loadEnhancerModel } from '../src/engine/model/format.ts'
import { defaultModelDir } from '../src/engine/paths.ts'
import { initBackend } from '../src/engine/backend.ts'

const run = promisify(execFile)
const self = fileURLToPath(import.meta.url)

/** Writes `seconds` of a speech-like test signal (harmonics with moving pitch and syllable envelope) as 16-bit WAV, block by block. */
async function writeSignal(path: string, seconds: number, rate = 16000): Promise<void> {
  const w = await createWavWriter(path, { sampleRate: rate, channelCount: 1, format: 'pcm16' })
  const block = 1 << 16
  const total = Math.round(seconds * rate)
  let phase = 0
  let noise = 12345
  for (let start = 0; start < total; start += block) {
    const n = Math.min(block, total - start)
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const t = (start + i) / rate
      const f0 = 120 + 50 * Math.sin(2 * Math.PI * 0.37 * t)
      phase += (2 * Math.PI * f0) / rate
      noise = (Math.imul(noise, 1664525) + 1013904223) >>> 0
      const env = Math.max(0, Math.sin(2 * Math.PI * 3.1 * t))
      x[i] = 0.2 * env * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase)) + 0.003 * (noise / 2 ** 32 - 0.5)
    }
    await w.write([x])
  }
  await w.commit()
}

/** The bundled default model; the benchmark is about the model users get. */
async function benchModel(): Promise<{ path: string; which: string }> {
  await initBackend()
  const m = await loadEnhancerModel(defaultModelDir())
  m.generator.dispose()
  return { path: defaultModelDir(), which: `resources/models/default (${m.meta.name})` }
}

interface ChildTask {
  model: string
  input: string
  output: string
  /** a short file enhanced first so one-time costs (wasm start, kernel set-up) are not counted */
  warmup?: string
}

/** Child-process side: enhance one file, print timings and peak RSS as JSON. */
async function child(task: ChildTask): Promise<void> {
  const info = await initBackend()
  if (task.warmup) await enhanceFile(task.warmup, `${task.output}.warm.wav`, { model: task.model })
  const r = await enhanceFile(task.input, task.output, { model: task.model })
  const peakRssMB = process.resourceUsage().maxRSS / 1024
  process.stdout.write(`\n${JSON.stringify({ backend: info.backend, computeS: r.computeS, durationS: r.durationS, peakRssMB })}\n`)
}

async function inChild(task: ChildTask, env: Record<string, string>): Promise<{ backend: string; computeS: number; durationS: number; peakRssMB: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', self, '--child', JSON.stringify(task)], {
    env: { ...process.env, ...env },
    maxBuffer: 1 << 24
  })
  const last = stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as { backend: string; computeS: number; durationS: number; peakRssMB: number }
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d

/** `longSeconds` shortens the long-file run for a quick check of the bench itself (default: 60 minutes). */
export async function benchEnhance(o: { longSeconds?: number } = {}): Promise<Record<string, number | string>> {
  const longSeconds = o.longSeconds ?? 3600
  const dir = await mkdtemp(join(tmpdir(), 'dulcet-bench-enhance-'))
  const out: Record<string, number | string> = {}
  try {
    const model = await benchModel()
    out['enhance.model'] = model.which
    const warm = join(dir, 'warm.wav')
    await writeSignal(warm, 2)

    // real-time factor per backend
    for (const [backend, seconds] of [
      ['wasm', 60],
      ['cpu', 5]
    ] as const) {
      const input = join(dir, `rtf-${backend}.wav`)
      await writeSignal(input, seconds)
      const r = await inChild({ model: model.path, input, output: join(dir, `rtf-${backend}-out.wav`), warmup: warm }, { DULCET_BACKEND: backend })
      out[`enhance.rtf.${backend}`] = round(r.computeS / r.durationS, 4)
      out[`enhance.rtf.${backend}.audioS`] = seconds
    }

    // batch throughput, --jobs 1 vs 2 (workers each hold their own tfjs instance, wasm backend): an hour of audio in
    // 12 five-minute files, long enough that worker start-up does not hide the throughput.
    const inDir = join(dir, 'batch-in')
    await mkdir(inDir)
    const clip = join(dir, 'clip.wav')
    await writeSignal(clip, 300)
    for (let i = 0; i < 12; i++) await copyFile(clip, join(inDir, `clip${i}.wav`))
    for (const jobs of [1, 2]) {
      const t0 = performance.now()
      const cpu0 = process.cpuUsage()
      const r = await runBatch({ inDir, outDir: join(dir, `batch-out-${jobs}`), model: model.path, jobs, existing: 'overwrite' })
      const wall = (performance.now() - t0) / 1000
      const audio = r.files.reduce((a, f) => a + (f.durationS ?? 0), 0)
      out[`enhance.batch.jobs${jobs}.audioSPerS`] = round(audio / wall, 2)
      out[`enhance.batch.jobs${jobs}.wallS`] = round(wall, 2)
      // CPU time of the process and its worker threads over the wall time: how many cores the batch kept busy
      const cpu = process.cpuUsage(cpu0)
      out[`enhance.batch.jobs${jobs}.coresBusy`] = round((cpu.user + cpu.system) / 1e6 / wall, 2)
    }
    out['enhance.batch.speedup2'] = round((out['enhance.batch.jobs2.audioSPerS'] as number) / (out['enhance.batch.jobs1.audioSPerS'] as number), 2)

    // peak memory on an hour of audio (streamed: memory must not grow with length)
    const hour = join(dir, 'hour.wav')
    await writeSignal(hour, longSeconds)
    const h = await inChild({ model: model.path, input: hour, output: join(dir, 'hour-out.wav') }, { DULCET_BACKEND: 'wasm' })
    out['enhance.hour.peakRssMB'] = round(h.peakRssMB, 0)
    out['enhance.hour.computeS'] = round(h.computeS, 1)
    out['enhance.hour.rtf'] = round(h.computeS / h.durationS, 4)
    out['enhance.hour.audioS'] = longSeconds
    out['enhance.hour.inputMB'] = round((longSeconds * 16000 * 2) / 2 ** 20, 0)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return out
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--child')
  if (i >= 0) await child(JSON.parse(process.argv[i + 1]) as ChildTask)
  else {
    const long = process.env.DULCET_BENCH_LONG_S
    console.log(JSON.stringify(await benchEnhance({ longSeconds: long ? Number(long) : undefined }), null, 2))
  }
}
