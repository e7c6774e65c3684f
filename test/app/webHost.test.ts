import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAppCore, type AppCore } from '../../src/jobhost/core.ts'
import { DulcetError } from '../../src/protocol/api.ts'
import type { DulcetEvent } from '../../src/protocol/events.ts'
import { createWebClient } from '../../src/protocol/webClient.ts'
import { startWebHost, type WebHost } from '../../src/web/server.ts'
import { devClips, devData, repoRoot, tempDir } from './helpers.ts'

interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A raw client: sends frames, collects parsed replies (events skipped). */
async function rawSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; reply: (frame: string | Buffer) => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(url, { headers })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const replies: Array<Record<string, unknown>> = []
  const waiting: Array<(m: Record<string, unknown>) => void> = []
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Record<string, unknown>
    if ('event' in m) return
    const w = waiting.shift()
    if (w) w(m)
    else replies.push(m)
  })
  return {
    ws,
    reply: (frame) =>
      new Promise((resolve) => {
        ws.send(frame, { binary: typeof frame !== 'string' })
        const ready = replies.shift()
        if (ready) resolve(ready)
        else waiting.push(resolve)
      })
  }
}

function refused(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => reject(new Error('connection was accepted')))
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', () => undefined)
  })
}

describe('web host', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let core: AppCore
  let web: WebHost
  let wsUrl: string

  beforeAll(async () => {
    tmp = await tempDir()
    await writeFile(join(tmp.dir, 'index.html'), '<!doctype html><title>Dulcet</title>')
    core = await createAppCore({ host: 'web', settingsFile: join(tmp.dir, 'settings.json') })
    web = await startWebHost({ core, staticDir: tmp.dir, port: 0, host: '127.0.0.1' })
    wsUrl = `ws://127.0.0.1:${web.port}/ws`
  })
  afterAll(async () => {
    await web?.close()
    await core?.dispose()
    await tmp.cleanup()
  })

  it('serves the renderer on loopback with a CSP, and nothing outside it', async () => {
    expect(web.token).toBeNull()
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/`)
    const page = await get(web.port, '/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Dulcet</title>')
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'")
    expect((await get(web.port, '/..%2f..%2f..%2fetc%2fpasswd')).status).toBe(403)
    expect((await get(web.port, '/missing.js')).status).toBe(404)
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 is refused.
    expect((await get(web.port, '/', { host: `evil.example:${web.port}` })).status).toBe(401)
  })

  it('answers malformed messages with errors and stays up', async () => {
    const { ws, reply } = await rawSocket(wsUrl)
    expect(await reply('{not json')).toMatchObject({ ok: false, error: { code: 'bad-json' } })
    expect(await reply(Buffer.from([1, 2, 3]))).toMatchObject({ ok: false, error: { code: 'bad-json' } })
    expect(await reply('[1,2]')).toMatchObject({ ok: false, error: { code: 'schema' } })
    expect(await reply('{"id":1,"command":"rm -rf"}')).toMatchObject({ id: 1, ok: false, error: { code: 'unknown-command' } })
    const wrongTypes = await reply(JSON.stringify({ id: 2, command: 'setSettings', params: { strength: 'loud', matchLoudness: 1 } }))
    expect(wrongTypes).toMatchObject({ id: 2, ok: false, error: { code: 'schema' } })
    expect((wrongTypes.error as { problems: string[] }).problems.map((p) => p.split(':')[0]).sort()).toEqual(['matchLoudness', 'strength'])
    expect(await reply(JSON.stringify({ id: 3, command: 'batch', params: { options: { inDir: 7 } } }))).toMatchObject({ id: 3, error: { code: 'schema' } })
    expect(await reply(JSON.stringify({ id: 4, command: 'cancelJob', params: { jobId: 'job-that-never-was' } }))).toMatchObject({ id: 4, error: { code: 'not-found' } })
    expect(await reply(JSON.stringify({ id: 5, command: 'getSettings' }))).toMatchObject({ id: 5, ok: true, result: { deviationThreshold: 0.1 } })
    ws.close()
    expect((await get(web.port, '/')).status).toBe(200)
  })

  it('refuses sockets from other origins', async () => {
    expect(await refused(wsUrl, { origin: 'http://evil.example' })).toBe(401)
    expect(await refused(`ws://127.0.0.1:${web.port}/other`)).toBe(404)
  })

  it('drives the same protocol through the browser web client', async () => {
    const g = globalThis as { WebSocket?: unknown }
    const saved = g.WebSocket
    g.WebSocket = WebSocket
    const client = createWebClient({ url: wsUrl })
    try {
      await client.ready
      expect(await client.hostInfo()).toMatchObject({ kind: 'web', nativeDialogs: false })
      const err = await client.openFile().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DulcetError)
      expect((err as DulcetError).code).toBe('unsupported')
      const listing = await client.listDir({ path: devData })
      expect(listing.entries.find((e) => e.name === 'clean')).toMatchObject({ kind: 'dir', audio: false })
      const clip = join(devData, 'clean', (await devClips(1))[0])
      await expect(client.readAudio({ path: clip })).rejects.toMatchObject({ code: 'not-allowed' })
      expect(await client.choosePath({ path: clip, kind: 'file' })).toEqual({ path: clip })
      const audio = await client.readAudio({ path: clip })
      expect(audio.wav).toBeInstanceOf(Uint8Array)
      expect(audio.wav.length).toBe(44 + audio.frames * 2)
      expect(new TextDecoder().decode(audio.wav.subarray(8, 12))).toBe('WAVE')
      const seen = new Promise<DulcetEvent>((resolve) => client.onEvent(resolve))
      await client.setDefaultThreshold({ threshold: 0.2 })
      expect(await seen).toMatchObject({ type: 'settings.changed', settings: { deviationThreshold: 0.2 } })
      expect((await client.listPresets()).map((p) => p.name)).toEqual(['tiny', 'quick', 'standard', 'deep'])
    } finally {
      client.close()
      g.WebSocket = saved
    }
  })

  it('requires the token when bound beyond loopback', async () => {
    const open = await startWebHost({ core, staticDir: tmp.dir, port: 0, host: '0.0.0.0' })
    try {
      expect(open.token).toMatch(/^[\w-]{20,}$/)
      expect(open.url).toContain(`?token=${open.token}`)
      expect((await get(open.port, '/')).status).toBe(401)
      expect((await get(open.port, '/?token=wrong')).status).toBe(401)
      const withToken = await get(open.port, `/?token=${open.token}`)
      expect(withToken.status).toBe(200)
      const cookie = String(withToken.headers['set-cookie']).split(';')[0]
      expect((await get(open.port, '/index.html', { cookie })).status).toBe(200)
      const base = `ws://127.0.0.1:${open.port}/ws`
      expect(await refused(base)).toBe(401)
      expect(await refused(`${base}?token=nope`)).toBe(401)
      const { ws, reply } = await rawSocket(`${base}?token=${open.token}`)
      expect(await reply(JSON.stringify({ id: 9, command: 'getSettings' }))).toMatchObject({ id: 9, ok: true })
      ws.close()
    } finally {
      await open.close()
    }
  })

  it('`dulcet web` prints its URL when ready and bridges to engine workers', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/dulcet.mjs'), 'web', '--port', '0', '--renderer', tmp.dir, '--settings', join(tmp.dir, 'cli-settings.json')], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString()
          const m = /ready at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
          if (m) resolve(m[1])
        })
        child.stderr.on('data', (c: Buffer) => (out += c.toString()))
        child.once('exit', (code) => reject(new Error(`dulcet web exited (${code}): ${out}`)))
      })
      const { ws, reply } = await rawSocket(`${url.replace('http', 'ws')}ws`)
      const presets = await reply(JSON.stringify({ id: 1, command: 'listPresets' }))
      expect(presets).toMatchObject({ id: 1, ok: true })
      expect((presets.result as Array<{ name: string }>).map((p) => p.name)).toContain('tiny')
      ws.close()
    } finally {
      child.kill('SIGTERM')
    }
  })
})
