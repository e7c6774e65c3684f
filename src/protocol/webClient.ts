import { makeApi, DulcetError, type DulcetApi, type DulcetErrorCode } from './api.ts'
import { COMMANDS, ReplySchema, issueLines, type CommandName, type CommandParams, type CommandResult } from './commands.ts'
import { DulcetEventSchema, type DulcetEvent } from './events.ts'
import { decodeMessage, encodeMessage } from './wire.ts'

export interface WebClientOptions {
  /** ws:// or wss:// URL of the web host; default: `/ws` on the page's own host, with the page's `token`. */
  url?: string
  /** Called when the connection drops (pending commands fail with code 'disconnected'). */
  onClose?: () => void
}

/** The URL the web host serves its WebSocket on, derived from the page's location (keeps ?token=). */
export function defaultSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const token = new URLSearchParams(location.search).get('token')
  return `${scheme}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

interface Pending {
  command: CommandName
  resolve: (v: unknown) => void
  reject: (e: Error) => void
}

/**
 * A DulcetApi over WebSocket (the web host), for the renderer when `window.dulcet` is absent.
 * Uses only the global WebSocket; replies and events are validated with the protocol schemas.
 */
export function createWebClient(options: WebClientOptions = {}): DulcetApi & { close(): void; ready: Promise<void> } {
  const url = options.url ?? defaultSocketUrl(globalThis.location)
  const ws = new WebSocket(url)
  const pending = new Map<number, Pending>()
  const listeners = new Set<(e: DulcetEvent) => void>()
  let nextId = 1
  let closed = false

  const ready = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true })
    ws.addEventListener('error', () => reject(new DulcetError('disconnected', `cannot connect to ${url}`)), { once: true })
  })
  ready.catch(() => undefined)

  ws.addEventListener('message', (ev: MessageEvent) => {
    if (typeof ev.data !== 'string') return
    let msg: unknown
    try {
      msg = decodeMessage(ev.data)
    } catch {
      return
    }
    if (typeof msg === 'object' && msg !== null && 'event' in msg) {
      const parsed = DulcetEventSchema.safeParse((msg as { event: unknown }).event)
      if (!parsed.success) {
        console.warn('dulcet: ignored a malformed event', issueLines(parsed.error))
        return
      }
      for (const l of listeners) l(parsed.data)
      return
    }
    const reply = ReplySchema.safeParse(msg)
    if (!reply.success || reply.data.id === undefined) return
    const p = pending.get(reply.data.id)
    if (!p) return
    pending.delete(reply.data.id)
    if (!reply.data.ok) {
      const e = reply.data.error
      p.reject(new DulcetError(e.code, e.message, e.file, e.problems))
      return
    }
    const result = COMMANDS[p.command].result.safeParse(reply.data.result)
    if (result.success) p.resolve(result.data)
    else p.reject(new DulcetError('schema', `malformed reply to ${p.command}: ${issueLines(result.error).join('; ')}`))
  })

  ws.addEventListener('close', () => {
    closed = true
    for (const p of pending.values()) p.reject(new DulcetError('disconnected', 'the connection to Dulcet was lost'))
    pending.clear()
    options.onClose?.()
  })

  async function call<K extends CommandName>(command: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    await ready
    if (closed) throw new DulcetError('disconnected', 'the connection to Dulcet was lost')
    const id = nextId++
    return new Promise<CommandResult<K>>((resolve, reject) => {
      pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject })
      ws.send(encodeMessage({ id, command, params }))
    })
  }

  const api = makeApi(
    call,
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async () => ({ paths: [] })
  )
  return Object.assign(api, { close: () => ws.close(), ready })
}

export type { DulcetErrorCode }
