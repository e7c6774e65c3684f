import type { MessagePort } from 'node:worker_threads'
import { initBackend } from '../engine/backend.ts'
import { enhanceFile, runBatch } from '../engine/enhance/index.ts'
import { CancelledError } from '../engine/errors.ts'
import type { StepStats } from '../engine/gan/gan.ts'
import { train, withPreset, type TrainControl } from '../engine/train/index.ts'
import type { StepMetrics } from '../protocol/schemas.ts'
import { finiteOrNull, toErrorInfo } from './errorInfo.ts'
import type { HostToJob, JobSpec, JobToHost } from './messages.ts'

/** The charted subset of a step's stats (per-layer norms included: the UI shows the deepest layers' health). */
function toStepMetrics(s: StepStats & { seconds: number }): StepMetrics {
  return finiteOrNull({
    step: s.step,
    seconds: s.seconds,
    lossD: s.lossD,
    lossG: s.lossG,
    adversarial: s.adversarial,
    reconstruction: s.reconstruction,
    paired: s.paired,
    gap: s.gap,
    dReal: s.dReal,
    dFake: s.dFake,
    threshold: s.threshold,
    weight: s.weight,
    overThreshold: s.overThreshold,
    criticLayers: s.criticLayers,
    fade: s.fade,
    replayed: s.replayed,
    gradNormG: s.gradNormG,
    gradNormD: s.gradNormD,
    weightNormG: s.weightNormG,
    weightNormD: s.weightNormD
  })
}

/** Progress with an ETA from the elapsed time, at most ~10 events a second. */
function progressReporter(post: (m: JobToHost) => void): (fraction: number, message?: string) => void {
  const t0 = performance.now()
  let last = -Infinity
  return (fraction, message) => {
    const now = performance.now()
    if (now - last < 100 && fraction < 1) return
    last = now
    const elapsed = (now - t0) / 1000
    const etaS = fraction > 0.01 && fraction < 1 ? (elapsed * (1 - fraction)) / fraction : fraction >= 1 ? 0 : null
    post({ t: 'progress', fraction, etaS, ...(message ? { message } : {}) })
  }
}

/** Runs one job in this worker; `port` carries control messages in and events out. */
export async function runJob(spec: JobSpec, port: MessagePort): Promise<void> {
  const post = (m: JobToHost): void => port.postMessage(m)
  const ac = new AbortController()
  // an object, so TypeScript does not narrow `mode` across the message handler's writes
  const st: { mode: 'run' | 'cancel' | 'stop' } = { mode: 'run' }
  const control: TrainControl = { paused: false }
  if (spec.kind === 'train' && spec.options.deviationThreshold !== undefined) control.deviationThreshold = spec.options.deviationThreshold

  port.on('message', (m: HostToJob) => {
    switch (m.t) {
      case 'cancel':
      case 'stop':
        if (st.mode !== 'run') return
        st.mode = m.t
        control.paused = false
        if (spec.kind === 'train') post({ t: 'state', state: 'stopping' })
        ac.abort()
        return
      case 'pause':
        if (st.mode !== 'run' || control.paused) return
        control.paused = true
        post({ t: 'state', state: 'paused' })
        return
      case 'resume':
        if (st.mode !== 'run' || !control.paused) return
        control.paused = false
        post({ t: 'state', state: 'running' })
        return
      case 'threshold':
        control.deviationThreshold = m.threshold
        if (m.weight !== undefined) control.reconstructionWeight = m.weight
        post({ t: 'threshold', threshold: m.threshold, ...(m.weight !== undefined ? { weight: m.weight } : {}) })
        return
    }
  })

  const progress = progressReporter(post)
  try {
    await initBackend()
    if (spec.kind === 'enhance') {
      const result = await enhanceFile(spec.input, spec.output, spec.options, { signal: ac.signal, onProgress: (f) => progress(f) })
      post({ t: 'done', result: finiteOrNull({ kind: 'enhance', result }) })
    } else if (spec.kind === 'batch') {
      const r = await runBatch(spec.options, {
        signal: ac.signal,
        onFile: (file) => post({ t: 'file', file: finiteOrNull(file) }),
        onProgress: (p) => progress(p.fraction, `${p.done + p.failed + p.skipped} of ${p.total} files`)
      })
      if (r.cancelled || st.mode === 'cancel') post({ t: 'cancelled' })
      else post({ t: 'done', result: finiteOrNull({ kind: 'batch', ...r }) })
    } else {
      const { preset, config, ...o } = spec.options
      let total = 0
      let startStep = 0
      const r = await train(
        { ...o, config: withPreset(preset ?? 'standard', config ?? {}) },
        {
          signal: ac.signal,
          control,
          onStart: (info) => {
            total = info.config.steps
            startStep = info.startStep
            const threshold = control.deviationThreshold ?? info.config.gan.reconstruction.threshold
            post({ t: 'threshold', threshold })
          },
          onStep: (s) => {
            post({ t: 'step', stats: toStepMetrics(s) })
            if (total > startStep) progress((s.step - startStep) / (total - startStep), `step ${s.step} of ${total}`)
          },
          onEvent: (e) => post({ t: 'train', event: finiteOrNull(e) })
        }
      )
      if (st.mode === 'cancel') post({ t: 'cancelled' })
      else post({ t: 'done', result: { kind: 'train', ...r } })
    }
  } catch (e) {
    if (e instanceof CancelledError || (ac.signal.aborted && st.mode === 'cancel')) post({ t: 'cancelled' })
    else post({ t: 'failed', error: toErrorInfo(e) })
  }
}
