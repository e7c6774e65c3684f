// The host's settings, loaded once and kept current through settings.changed events.
import type { Settings } from '../../../protocol/schemas.ts'
import { api, errorText } from './api.ts'
import { onAnyEvent } from './jobEvents.ts'

export const settingsState: { settings: Settings | null; error: string } = $state({ settings: null, error: '' })

let loading: Promise<void> | null = null
export function loadSettings(): Promise<void> {
  loading ??= (async () => {
    onAnyEvent((e) => {
      if (e.type === 'settings.changed') settingsState.settings = e.settings
    })
    try {
      settingsState.settings = await api.getSettings()
    } catch (e) {
      settingsState.error = errorText(e)
    }
  })()
  return loading
}

export async function updateSettings(patch: Partial<Settings>): Promise<void> {
  try {
    settingsState.settings = await api.setSettings(patch)
    settingsState.error = ''
  } catch (e) {
    settingsState.error = errorText(e)
  }
}
