// The renderer's only way to the engine: window.dulcet (Electron preload) or, in a browser, the WebSocket client
// of the web host. Everything else in the renderer imports `api` from here.
import type { DulcetApi } from '../../../protocol/api.ts'
import { DulcetError } from '../../../protocol/api.ts'
import type { HostInfo } from '../../../protocol/schemas.ts'
import { getDulcetApi } from '../../../protocol/connect.ts'
export { onConnectionLost } from '../../../protocol/connect.ts'

export const api: DulcetApi = getDulcetApi()

let hostInfo: Promise<HostInfo> | null = null
export function getHostInfo(): Promise<HostInfo> {
  hostInfo ??= api.hostInfo()
  return hostInfo
}

export function errorText(e: unknown): string {
  if (e instanceof DulcetError) {
    const where = e.file ? ` (${e.file})` : ''
    const problems = e.problems?.length ? `: ${e.problems.join('; ')}` : ''
    return `${e.message}${where}${problems}`
  }
  return e instanceof Error ? e.message : String(e)
}
