/**
 * Detectors over the history of training steps. Each one looks for a failure users actually meet when
 * training a GAN, and says in plain words what is happening and what to change. A detector that has
 * fired stays quiet for `cooldownSteps` so the event list is not flooded with one message per step.
 */
export type Detector = 'vanishing-gradients' | 'critic-collapse' | 'weight-divergence' | 'deep-plateau' | 'non-finite'

export interface DiagnosticEvent {
  kind: 'diagnostic'
  step: number
  detector: Detector
  severity: 'warning' | 'error'
  message: string
  advice: string
}


/** The parts of a training step the detectors read (StepStats of the GAN core has all of them). */
export interface DiagnosedStep {
  step: number
  lossD: number
  lossG: number
  dReal: number
  dFake: number
  gap: number
  criticLayers: number
  gradNormG: Record<string, number>
  gradNormD: Record<string, number>
  weightNormG: Record<string, number>
  weightNormD: Record<string, number>
}

export interface DiagnosticsConfig {
  enabled: boolean
  /** Steps per look-back window of the detectors. */
  window: number
  /** No detector except non-finite fires before this many steps. */
  warmupSteps: number
  /** Steps a detector stays quiet after it fired. */
  cooldownSteps: number
  /** Generator gradient (L2 over all layers) below this is "vanished". */
  vanishingGradNorm: number
  /** First-layer / largest-layer generator gradient ratio below this: the signal does not reach the input. */
  vanishingLayerRatio: number
  /** |mean gap| / spread of the critic scores below this: the critic does not tell real from fake. */
  collapseSeparation: number
  /** A weight norm growing by more than this factor within one window is divergence. */
  divergenceGrowth: number
  /** A total weight norm above this is divergence whatever its growth. */
  divergenceNorm: number
  /** Deep plateau is only looked for when the critic has at least this many layers. */
  plateauMinCriticLayers: number
  /** Generator gradient falling to below this fraction of its earlier level... */
  plateauGradDrop: number
  /** ...while the gap moved less than this fraction of its own scale: deep plateau. */
  plateauGapChange: number
  /** Learning-rate factor applied after a non-finite step (rollback). */
  nonFiniteLrFactor: number
  /** Give up after this many rollbacks in a row without a healthy checkpoint in between. */
  maxRollbacks: number
}

export function l2(norms: Record<string, number>): number {
  let s = 0
  for (const v of Object.values(norms)) s += v * v
  return Math.sqrt(s)
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length
}

function std(xs: number[]): number {
  const m = mean(xs)
  return Math.sqrt(mean(xs.map((x) => (x - m) * (x - m))))
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]
}

export function isFiniteStep(s: DiagnosedStep): boolean {
  const scalars = [s.lossD, s.lossG, s.dReal, s.dFake, s.gap]
  const maps = [s.gradNormG, s.gradNormD, s.weightNormG, s.weightNormD]
  return scalars.every(Number.isFinite) && maps.every((m) => Object.values(m).every(Number.isFinite))
}

/** Names the non-finite quantities of a step, for the event message. */
export function nonFiniteParts(s: DiagnosedStep): string[] {
  const out: string[] = []
  for (const k of ['lossD', 'lossG', 'dReal', 'dFake', 'gap'] as const) if (!Number.isFinite(s[k])) out.push(k)
  for (const k of ['gradNormG', 'gradNormD', 'weightNormG', 'weightNormD'] as const) {
    const bad = Object.entries(s[k]).filter(([, v]) => !Number.isFinite(v))
    if (bad.length > 0) out.push(`${k} (${bad.length} layer${bad.length > 1 ? 's' : ''}, e.g. ${bad[0][0]})`)
  }
  return out
}

interface Finding {
  detector: Detector
  severity: 'warning' | 'error'
  message: string
  advice: string
}

export interface GanSettingsForAdvice {
  loss: string
  spectralNorm: boolean
  gradientPenalty: number
  weightClip: number | null
  incrementalCritic: boolean
  farganReplay: boolean
  lrG: number
  lrD: number
}

export class Diagnostics {
  private history: DiagnosedStep[] = []
  private lastFired = new Map<Detector, number>()

  constructor(
    private readonly cfg: DiagnosticsConfig,
    private readonly gan: GanSettingsForAdvice
  ) {}

  /** Forget the history (after a rollback the steps seen since the checkpoint no longer happened). */
  reset(): void {
    this.history = []
  }

  /** Feeds one step; returns the events that fire on it. Non-finite steps are reported and not kept. */
  observe(s: DiagnosedStep): DiagnosticEvent[] {
    if (!this.cfg.enabled) return []
    if (!isFiniteStep(s)) {
      const f: Finding = {
        detector: 'non-finite',
        severity: 'error',
        message: `Step ${s.step} produced non-finite values (NaN or Infinity) in ${nonFiniteParts(s).join(', ')}.`,
        advice: 'Lower the learning rates, enable spectral norm or gradient penalty, and check the input audio.'
      }
      return [this.toEvent(s.step, f)]
    }
    this.history.push(s)
    const keep = 2 * this.cfg.window
    if (this.history.length > keep) this.history.splice(0, this.history.length - keep)
    if (this.history.length < this.cfg.window || s.step < this.cfg.warmupSteps) return []
    const out: DiagnosticEvent[] = []
    for (const f of [this.vanishing(), this.collapse(), this.divergence(), this.plateau()]) {
      if (!f) continue
      const last = this.lastFired.get(f.detector)
      if (last !== undefined && s.step - last < this.cfg.cooldownSteps) continue
      this.lastFired.set(f.detector, s.step)
      out.push(this.toEvent(s.step, f))
    }
    return out
  }

  private toEvent(step: number, f: Finding): DiagnosticEvent {
    return { kind: 'diagnostic', step, ...f }
  }

  private recent(): DiagnosedStep[] {
    return this.history.slice(-this.cfg.window)
  }

  private vanishing(): Finding | undefined {
    const w = this.recent()
    const total = median(w.map((s) => l2(s.gradNormG)))
    const ratios = w.map((s) => {
      const vals = Object.values(s.gradNormG)
      const top = Math.max(...vals)
      return top > 0 ? vals[0] / top : 0
    })
    const ratio = median(ratios)
    const critic = this.gan.loss === 'bce' ? 'the BCE critic is saturated' : 'the critic gives a flat signal'
    if (total < this.cfg.vanishingGradNorm) {
      return {
        detector: 'vanishing-gradients',
        severity: 'warning',
        message: `The generator's gradients have vanished (median norm ${total.toExponential(2)} over the last ${w.length} steps): ${critic}, so the generator has stopped learning.`,
        advice: `Weaken the critic: lower lrD (now ${this.gan.lrD}) or criticSteps${this.gan.loss === 'bce' ? ', or switch the loss to wasserstein' : ''}; raise lrG (now ${this.gan.lrG}).`
      }
    }
    if (Object.keys(w[0].gradNormG).length > 2 && ratio < this.cfg.vanishingLayerRatio) {
      return {
        detector: 'vanishing-gradients',
        severity: 'warning',
        message: `The gradient reaching the generator's first layer is ${ratio.toExponential(2)} of its largest layer's: the early layers are not learning.`,
        advice: 'Use fewer generator layers or a smaller dilation growth, or raise lrG; check that the generator is residual.'
      }
    }
    return undefined
  }

  private collapse(): Finding | undefined {
    const w = this.recent()
    const gaps = w.map((s) => s.gap)
    const spread = std([...w.map((s) => s.dReal), ...w.map((s) => s.dFake)]) + mean(w.map((s) => Math.abs(s.dReal) + Math.abs(s.dFake))) * 1e-3
    const separation = spread > 0 ? Math.abs(mean(gaps)) / spread : 0
    if (separation >= this.cfg.collapseSeparation && spread > 1e-9) return undefined
    return {
      detector: 'critic-collapse',
      severity: 'warning',
      message: `The critic no longer separates real from generated audio (mean score gap ${mean(gaps).toExponential(2)}, ${separation.toFixed(3)} of the score spread over ${w.length} steps): the generator gets no useful signal.`,
      advice: `Lower lrD (now ${this.gan.lrD})${this.gan.spectralNorm ? '' : ', enable spectral norm'}, make the critic wider, or check that the synthetic and real folders really differ.`
    }
  }

  private divergence(): Finding | undefined {
    const h = this.history
    const first = h[Math.max(0, h.length - this.cfg.window)]
    const last = h[h.length - 1]
    for (const [net, key] of [
      ['critic', 'weightNormD'],
      ['generator', 'weightNormG']
    ] as const) {
      const a = l2(first[key])
      const b = l2(last[key])
      const growth = a > 0 ? b / a : 1
      if (growth > this.cfg.divergenceGrowth || b > this.cfg.divergenceNorm) {
        const reg =
          net === 'critic' && !this.gan.spectralNorm && this.gan.gradientPenalty === 0 && this.gan.weightClip === null
            ? 'The critic has no regularisation: enable spectral norm (the default) or a gradient penalty. '
            : ''
        return {
          detector: 'weight-divergence',
          severity: 'error',
          message: `The ${net}'s weights are diverging: their norm went from ${a.toPrecision(3)} to ${b.toPrecision(3)} within ${last.step - first.step} steps.`,
          advice: `${reg}Lower ${net === 'critic' ? 'lrD' : 'lrG'} (now ${net === 'critic' ? this.gan.lrD : this.gan.lrG}) or add L2 weight decay.`
        }
      }
    }
    return undefined
  }

  private plateau(): Finding | undefined {
    const h = this.history
    const n = this.cfg.window
    if (h.length < 2 * n || h[h.length - 1].criticLayers < this.cfg.plateauMinCriticLayers) return undefined
    const before = h.slice(0, n)
    const after = h.slice(n)
    const gBefore = mean(before.map((s) => l2(s.gradNormG)))
    const gAfter = mean(after.map((s) => l2(s.gradNormG)))
    const gapBefore = mean(before.map((s) => s.gap))
    const gapAfter = mean(after.map((s) => s.gap))
    const scale = Math.max(Math.abs(gapBefore), Math.abs(gapAfter), std(h.map((s) => s.gap)), 1e-12)
    const gapMoved = Math.abs(gapAfter - gapBefore) / scale
    if (gBefore <= 0 || gAfter / gBefore >= this.cfg.plateauGradDrop || gapMoved >= this.cfg.plateauGapChange) return undefined
    const tips: string[] = []
    if (!this.gan.incrementalCritic) tips.push('enable incremental critic layer training (layers added on a schedule with fade-in)')
    if (!this.gan.farganReplay) tips.push('enable FARGAN replay (the best-scored generated sample joins the next real batch; the replay technique, not the FARGAN vocoder)')
    if (tips.length === 0) tips.push('lengthen incrementalCritic.addEvery or raise the FARGAN replay fraction')
    return {
      detector: 'deep-plateau',
      severity: 'warning',
      message: `Deep plateau: the generator's gradient through the ${h[h.length - 1].criticLayers}-layer critic fell to ${((100 * gAfter) / gBefore).toFixed(1)}% of its level ${n} steps earlier while the score gap stayed flat (moved ${(100 * gapMoved).toFixed(1)}%).`,
      advice: `${tips.join('; ')}; or use a shallower critic.`
    }
  }
}
