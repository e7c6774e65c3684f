/**
 * Detectors over the history of training steps. Each one looks for a failure users actually meet when
 * training a GAN, and says in plain words what is happening and what to change. A detector that has
 * fired stays quiet for `cooldownSteps` so the event list is not flooded with one message per step.
 */
import type { StepStats } from '../gan/gan.ts'

export type Detector = 'vanishing-gradients' | 'critic-collapse' | 'weight-divergence' | 'deep-plateau' | 'non-finite'

export interface DiagnosticEvent {
  kind: 'diagnostic'
  step: number
  detector: Detector
  severity: 'warning' | 'error'
  message: string
  advice: string
}

/** The parts of a training step the detectors read. */
export type DiagnosedStep = Pick<
  StepStats,
  'step' | 'lossD' | 'lossG' | 'dReal' | 'dFake' | 'gap' | 'criticLayers' | 'gradNormG' | 'gradNormD' | 'weightNormG' | 'weightNormD'
>

export interface DiagnosticsConfig {
  enabled: boolean
  /** Steps per look-back window of the detectors. */
  window: number
  /** No detector except non-finite fires before this many steps. */
  warmupSteps: number
  /** Steps a detector stays quiet after it fired. */
  cooldownSteps: number
  /** Generator gradient (L2 over all layers, median over a window) below this is "vanished". */
  vanishingGradNorm: number
  /** Mean gap / its step-to-step spread below this: the critic does not tell real from fake. */
  collapseSeparation: number
  /** A weight norm growing by more than this factor since the run (or the last rollback) started is divergence. */
  divergenceGrowth: number
  /** A total weight norm above this is divergence whatever its growth. */
  divergenceNorm: number
  /** Deep plateau is only looked for when the critic has at least this many layers. */
  plateauMinCriticLayers: number
  /** Deep critic whose gap is not separated and improved by less than this many spreads over two windows: deep plateau. */
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
  /** The first step seen since the start or the last rollback: weight growth is measured from it. */
  private baseline: DiagnosedStep | undefined

  constructor(
    private readonly cfg: DiagnosticsConfig,
    private readonly gan: GanSettingsForAdvice
  ) {}

  /** Forget the history (after a rollback the steps seen since the checkpoint no longer happened). */
  reset(): void {
    this.history = []
    this.baseline = undefined
  }

  /**
   * Feeds one step; returns the events that fire on it. Non-finite steps are always reported (the trainer
   * rolls back on them, even with diagnostics disabled) and not kept in the history.
   */
  observe(s: DiagnosedStep): DiagnosticEvent[] {
    if (!isFiniteStep(s)) {
      const f: Finding = {
        detector: 'non-finite',
        severity: 'error',
        message: `Step ${s.step} produced non-finite values (NaN or Infinity) in ${nonFiniteParts(s).join(', ')}.`,
        advice: 'Lower the learning rates, enable spectral norm or gradient penalty, and check the input audio.'
      }
      return [this.toEvent(s.step, f)]
    }
    if (!this.cfg.enabled) return []
    this.history.push(s)
    this.baseline ??= s
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
    if (total >= this.cfg.vanishingGradNorm) return undefined
    const clip = this.gan.weightClip !== null ? `, or raise weightClip (now ${this.gan.weightClip}; clipping a critic's weights shrinks its gradients)` : ''
    return {
      detector: 'vanishing-gradients',
      severity: 'warning',
      message: `The generator's gradients have vanished (median norm ${total.toExponential(2)} over the last ${w.length} steps, below ${this.cfg.vanishingGradNorm}): the critic gives it no usable signal, so it has stopped learning.`,
      advice: `Give the critic a usable slope: use spectral norm instead of weight clipping${clip}; lower lrD (now ${this.gan.lrD}) or criticSteps if the critic overpowers the generator; raise the reconstruction weight so the generator still gets a signal.`
    }
  }

  /** Mean gap over its step-to-step spread: how reliably the critic scores real above generated. */
  private separation(w: DiagnosedStep[]): { mean: number; sep: number } {
    const gaps = w.map((s) => s.gap)
    const m = mean(gaps)
    const sd = std(gaps)
    return { mean: m, sep: sd > 0 ? m / sd : m > 0 ? Infinity : 0 }
  }

  private isDeep(): boolean {
    return this.history[this.history.length - 1].criticLayers >= this.cfg.plateauMinCriticLayers
  }

  private collapse(): Finding | undefined {
    const w = this.recent()
    const { mean: gap, sep } = this.separation(w)
    const lossD = mean(w.map((s) => s.lossD))
    // the critic loss a critic that cannot tell real from fake gets: BCE ln 4 (p = 0.5 everywhere), hinge 2 (scores 0)
    const chance = this.gan.loss === 'bce' ? Math.log(4) : this.gan.loss === 'hinge' ? 2 : undefined
    const worseThanChance = chance !== undefined && lossD > chance * 1.02
    const flat = sep < this.cfg.collapseSeparation && !this.isDeep()
    if (!worseThanChance && !flat) return undefined
    const what = worseThanChance
      ? `its ${this.gan.loss.toUpperCase()} loss (${lossD.toFixed(3)}) is worse than a coin toss (${chance?.toFixed(3)})`
      : `the mean score gap is ${gap.toPrecision(3)}, only ${sep.toFixed(2)} of its step-to-step spread`
    return {
      detector: 'critic-collapse',
      severity: 'warning',
      message: `Critic collapse: over the last ${w.length} steps the critic has not separated real from generated audio (${what}), so the generator gets no useful signal.`,
      advice: `Lower lrD (now ${this.gan.lrD}) if the critic oscillates${this.gan.spectralNorm ? '' : ', enable spectral norm'}; make the critic wider or give it more STFT resolutions if it is too weak; check that the synthetic and real folders really differ.`
    }
  }

  private divergence(): Finding | undefined {
    const h = this.history
    const first = this.baseline ?? h[0]
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
          message: `The ${net}'s weights are diverging: their norm grew from ${a.toPrecision(3)} to ${b.toPrecision(3)} (x${growth.toFixed(1)}) between steps ${first.step} and ${last.step}; critic scores are now ${last.dReal.toPrecision(3)} (real) and ${last.dFake.toPrecision(3)} (generated).`,
          advice: `${reg}Lower ${net === 'critic' ? 'lrD' : 'lrG'} (now ${net === 'critic' ? this.gan.lrD : this.gan.lrG}) or add L2 weight decay (regularization.${net === 'critic' ? 'l2D' : 'l2G'}).`
        }
      }
    }
    return undefined
  }

  private plateau(): Finding | undefined {
    const h = this.history
    const n = this.cfg.window
    if (h.length < 2 * n || !this.isDeep()) return undefined
    const before = h.slice(-2 * n, -n)
    const after = h.slice(-n)
    const a = this.separation(before)
    const b = this.separation(after)
    const spread = std(h.slice(-2 * n).map((s) => s.gap))
    const improvement = spread > 0 ? (b.mean - a.mean) / spread : 0
    if (b.sep >= this.cfg.collapseSeparation || improvement >= this.cfg.plateauGapChange) return undefined
    const gBefore = mean(before.map((s) => l2(s.gradNormG)))
    const gAfter = mean(after.map((s) => l2(s.gradNormG)))
    const tips: string[] = []
    if (!this.gan.incrementalCritic) tips.push('enable incremental critic layer training (layers added on a schedule with fade-in)')
    if (!this.gan.farganReplay) tips.push('enable FARGAN replay (the best-scored generated sample joins the next real batch; the replay technique, not the FARGAN vocoder)')
    if (tips.length === 0) tips.push('lengthen incrementalCritic.addEvery or raise the FARGAN replay fraction')
    return {
      detector: 'deep-plateau',
      severity: 'warning',
      message:
        `Deep plateau: over ${2 * n} steps the ${h[h.length - 1].criticLayers}-layer critic has not learned to separate real from generated audio ` +
        `(score gap ${a.mean.toPrecision(3)} then ${b.mean.toPrecision(3)}, spread ${spread.toPrecision(3)}), so the generator's gradient ` +
        `(norm ${gBefore.toPrecision(3)} then ${gAfter.toPrecision(3)}) carries no consistent signal through the deep critic.`,
      advice: `${tips.join('; ')}; or use a shallower critic.`
    }
  }
}
