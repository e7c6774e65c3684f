import type { Command } from 'commander'
import { initBackend } from '../../engine/backend.ts'

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the TensorFlow.js backend Dulcet chose, and why better ones were not taken')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const info = await initBackend()
      if (opts.json) {
        console.log(JSON.stringify(info, null, 2))
        return
      }
      const forced = info.forced ? ' [forced by DULCET_BACKEND]' : ''
      console.log(`backend: ${info.backend} (tfjs '${info.tfBackend}')${forced}`)
      for (const s of info.skipped) console.log(`  not ${s.backend}: ${s.reason}${s.fix ? `\n    fix: ${s.fix}` : ''}`)
    })
}
