import { Command } from 'commander'
import { registerInfo } from './commands/info.ts'
import { registerEval } from './commands/eval.ts'
import { registerEnhance } from './commands/enhance.ts'
import { registerBatch } from './commands/batch.ts'
import { registerWeb } from './commands/web.ts'
import { registerTrain } from './commands/train.ts'
import { registerExport } from './commands/export.ts'

// Each command lives in ./commands/<name>.ts and registers itself here.
const program = new Command()
program.name('dulcet').description('Makes synthetic speech sound real.').version('0.1.0')
registerInfo(program)
registerEval(program)
registerEnhance(program)
registerBatch(program)
registerWeb(program)
registerTrain(program)
registerExport(program)

try {
  await program.parseAsync(process.argv)
} catch (e) {
  console.error(`dulcet: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
