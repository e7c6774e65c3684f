import { Command } from 'commander'
import { initBackend } from '../engine/backend.ts'

const program = new Command()
program.name('dulcet').description('Makes synthetic speech sound real.').version('0.1.0')

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
    console.log(`backend: ${info.backend} (tfjs '${info.tfBackend}')${info.forced ? ' [forced by DULCET_BACKEND]' : ''}`)
    for (const s of info.skipped) console.log(`  not ${s.backend}: ${s.reason}${s.fix ? `\n    fix: ${s.fix}` : ''}`)
  })

try {
  await program.parseAsync(process.argv)
} catch (e) {
  console.error(`dulcet: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
