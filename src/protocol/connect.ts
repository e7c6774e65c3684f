import type { DulcetApi } from './api.ts'
import { createWebClient } from './webClient.ts'

let api: DulcetApi | undefined
const lostListeners = new Set<() => void>()
let lost = false

/** Called when the web host's connection drops, e.g. its process was stopped (never in Electron). */
export function onConnectionLost(listener: () => void): () => void {
  lostListeners.add(listener)
  if (lost) listener()
  return () => lostListeners.delete(listener)
}

/**
 * The renderer's one entry point: `window.dulcet` inside Electron, else a WebSocket client to the web host
 * that served the page. Note: in Electron, errors cross the context bridge as plain Errors (message only).
 */
export function getDulcetApi(): DulcetApi {
  api ??= globalThis.window?.dulcet ?? createWebClient({
    onClose: () => {
      lost = true
      lostListeners.forEach((l) => l())
    }
  })
  return api
}
