import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { createAppCore } from '../../jobhost/core.ts'
import { defaultSettingsFile } from '../../jobhost/settings.ts'
import { startWebHost } from '../../web/server.ts'

const BUILT_RENDERER = fileURLToPath(new URL('../../../out/renderer/', import.meta.url))

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('serve the Dulcet app to a browser (same engine and jobs as the desktop app)')
    .option('--port <port>', 'port to listen on', '5317')
    .option('--host <host>', 'address to bind; anything but loopback requires the printed token', '127.0.0.1')
    .option('--renderer <dir>', 'the built renderer', BUILT_RENDERER)
    .option('--settings <file>', 'settings file', defaultSettingsFile())
    .action(async (opts: { port: string; host: string; renderer: string; settings: string }) => {
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${opts.port}: not a port number`)
      if (!existsSync(join(opts.renderer, 'index.html'))) {
        throw new Error(`${opts.renderer}: no built renderer here; run npm run build first`)
      }
      const core = await createAppCore({ host: 'web', settingsFile: opts.settings })
      const host = await startWebHost({ core, staticDir: opts.renderer, port, host: opts.host })
      console.log(`Dulcet is ready at ${host.url}`)
      if (host.token) console.log('Bound beyond this machine: the token in the URL is required; keep it private.')
      const shutdown = (): void => {
        void host
          .close()
          .then(() => core.dispose(20_000))
          .finally(() => process.exit(0))
      }
      process.once('SIGINT', shutdown)
      process.once('SIGTERM', shutdown)
    })
}
