/** Incremental critic layer training: which hidden layers are in use at a step, and the fade of the newest. */
import type { GanConfig } from './config.ts'
import type { Critic } from './critic.ts'

/** Hidden critic layers per branch and the fade of the newest one at a given step. */
export function criticSchedule(c: GanConfig, step: number): { active: number; fade: number } {
  const ic = c.incrementalCritic
  if (!ic.enabled) return { active: c.critic.layers, fade: 1 }
  const added = Math.min(c.critic.layers - ic.startLayers, Math.floor(step / ic.addEvery))
  const active = ic.startLayers + added
  if (added === 0 || ic.fadeSteps === 0) return { active, fade: 1 }
  const since = step - added * ic.addEvery
  return { active, fade: Math.min(1, (since + 1) / ic.fadeSteps) }
}

export function applySchedule(gan: { config: GanConfig; critic: Critic; step: number }): void {
  const s = criticSchedule(gan.config, gan.step)
  gan.critic.activeLayers = s.active
  gan.critic.fade = s.fade
}

