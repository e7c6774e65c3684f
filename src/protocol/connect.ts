import type { DulcetApi } from './api.ts'
import { createWebClient } from './webClient.ts'

let api: DulcetApi | undefined

/**
 * The renderer's one entry point: `window.dulcet` inside Electron, else a WebSocket client to the web host
 * that served the page. Note: in Electron, errors cross the context bridge as plain Errors (message only).
 */
export function getDulcetApi(): DulcetApi {
  api ??= globalThis.window?.dulcet ?? createWebClient()
  return api
}
