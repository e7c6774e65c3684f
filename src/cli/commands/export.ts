import type { Command } from 'commander'
import { initBackend } from '../../engine/backend.ts'
import { exportCheckpoint, listCheckpoints } from '../../engine/train/index.ts'

interface ExportFlags {
  best?: boolean
  name?: string
  description?: string
  source?: string
}

/** A checkpoint folder, or with --best the run's checkpoint with the lowest validation LSD. */
async function pickCheckpoint(path: string, best: boolean): Promise<string> {
  if (!best) return path
  const scored = (await listCheckpoints(path)).filter((c) => c.validation?.lsd !== undefined)
  if (scored.length === 0) throw new Error(`${path}: no checkpoint with validation metrics in this run`)
  scored.sort((a, b) => (a.validation?.lsd ?? Infinity) - (b.validation?.lsd ?? Infinity))
  return scored[0].path
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a training checkpoint as an enhancer model folder (what enhance and batch load)')
    .argument('<checkpoint>', 'a checkpoint folder (<run>/checkpoints/<step>), or a run folder with --best')
    .argument('<model_dir>', 'the model folder to write (replaced atomically)')
    .option('--best', 'take the run checkpoint with the best validation LSD')
    .option('--name <name>', 'model name shown in the app')
    .option('--description <text>', 'model description shown in the app')
    .option('--source <text>', 'where the model came from (default: the checkpoint path)')
    .action(async (checkpoint: string, modelDir: string, flags: ExportFlags) => {
      await initBackend()
      const chosen = await pickCheckpoint(checkpoint, flags.best === true)
      await exportCheckpoint(chosen, modelDir, { name: flags.name, description: flags.description, source: flags.source })
      console.log(`exported ${chosen} -> ${modelDir}`)
    })
}
