import type { BackendInfo } from '../../../protocol/schemas.ts'
import { api, errorText } from './api.ts'

export const backendState: { info: BackendInfo | null; error: string } = $state({ info: null, error: '' })

let loading: Promise<void> | null = null
export function loadBackend(): Promise<void> {
  loading ??= api.backendInfo().then(
    (info) => {
      backendState.info = info
    },
    (e: unknown) => {
      backendState.error = errorText(e)
    }
  )
  return loading
}
