import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export interface WebHost { url: string; stop(): Promise<void> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Starts `dulcet web` on a free port and resolves with the URL it prints (token included). */
export async function startWebHost(repo: string, settingsFile: string, env: Record<string, string>): Promise<WebHost> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['bin/dulcet.mjs', 'web', '--port', String(port), '--settings', settingsFile], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer): void => {
      output += b.toString()
      const m = output.match(/http:\/\/(?:127\.0\.0\.1|localhost):\d+\/\S*/)
      if (m) resolve(m[0])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`dulcet web exited (${code}) before serving:\n${output}`)))
  })
  child.stdout?.on('data', (b: Buffer) => process.stdout.write(`[web] ${b.toString()}`))
  child.stderr?.on('data', (b: Buffer) => process.stderr.write(`[web] ${b.toString()}`))
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}
