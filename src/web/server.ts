import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { AppCore } from '../jobhost/core.ts'
import type { Reply } from '../protocol/commands.ts'
import { decodeMessage, encodeMessage } from '../protocol/wire.ts'
import { serveStatic } from './static.ts'

export interface WebHostOptions {
  core: AppCore
  /** The built renderer (out/renderer). */
  staticDir: string
  port: number
  host: string
  /** Required in URLs when bound beyond loopback; generated when not given. Ignored on loopback. */
  token?: string
}

export interface WebHost {
  url: string
  port: number
  /** null on loopback, where no token is needed. */
  token: string | null
  close(): Promise<void>
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024
const COOKIE = 'dulcet_token'

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=')
    if (k === COOKIE && v) return decodeURIComponent(v)
  }
  return undefined
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return ''
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1)
  return hostHeader.split(':')[0]
}

/**
 * Serves the built renderer and the Dulcet protocol over WebSocket (/ws), both wired to `core`.
 * On loopback it refuses other Host names (DNS rebinding) and cross-origin sockets; bound elsewhere it
 * also requires the token, from the URL (?token=) or the cookie the page gets on first load.
 */
export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  const loopback = isLoopback(o.host)
  const token = loopback ? null : (o.token ?? randomBytes(18).toString('base64url'))

  /** Why a request is refused, or null when it may proceed. */
  const refusal = (req: IncomingMessage, url: URL): string | null => {
    if (loopback && !isLoopback(hostnameOf(req.headers.host))) return 'this server answers only on localhost'
    if (req.headers.origin && originHost(req.headers.origin) !== req.headers.host) return 'cross-origin request refused'
    if (token === null) return null
    const given = url.searchParams.get('token') ?? cookieToken(req)
    if (!given || !sameSecret(given, token)) return 'a valid token is required: open the URL `dulcet web` printed'
    return null
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://host')
    const why = refusal(req, url)
    if (why) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end(why)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end()
      return
    }
    if (token && url.searchParams.get('token')) {
      res.setHeader('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`)
    }
    serveStatic(o.staticDir, url.pathname, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(e instanceof Error ? e.message : String(e))
    })
  }

  const server = createServer(onRequest)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://host')
    const why = url.pathname === '/ws' ? refusal(req, url) : 'not found'
    if (why) {
      socket.end(`HTTP/1.1 ${why === 'not found' ? '404 Not Found' : '401 Unauthorized'}\r\nconnection: close\r\n\r\n${why}`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const send = (ws: WebSocket, message: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message))
  }

  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', () => ws.terminate())
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void (async () => {
        let request: unknown
        try {
          if (isBinary) throw new Error('binary frames are not part of the protocol')
          request = decodeMessage(data.toString())
        } catch (e) {
          const reply: Reply = { ok: false, error: { code: 'bad-json', message: `not a JSON message: ${e instanceof Error ? e.message : String(e)}` } }
          send(ws, reply)
          return
        }
        send(ws, await o.core.dispatch(request))
      })().catch((e: unknown) => console.error('dulcet web: a message failed:', e))
    })
  })

  const unsubscribe = o.core.jobs.onEvent((event) => {
    const text = encodeMessage({ event })
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(text)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = o.host.includes(':') && !o.host.startsWith('[') ? `[${o.host}]` : o.host
  const url = `http://${shownHost}:${port}/${token ? `?token=${token}` : ''}`

  return {
    url,
    port,
    token,
    close: async () => {
      unsubscribe()
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
