import { readAudio } from '../engine/audio/index.ts'
import { initBackend } from '../engine/backend.ts'
import { exportCheckpoint, listCheckpoints } from '../engine/train/checkpoint.ts'
import { TRAIN_PRESETS } from '../engine/train/config.ts'
import type { AudioForDisplay } from '../protocol/schemas.ts'
import type { CommandResult } from '../protocol/commands.ts'
import type { ServiceTask } from './messages.ts'
import { encodeWav16 } from './wavBytes.ts'

/** Runs one short task inside the service worker. */
export async function runServiceTask(t: ServiceTask): Promise<unknown> {
  switch (t.task) {
    case 'backendInfo':
      return initBackend()
    case 'readAudio': {
      const audio = await readAudio(t.path)
      const frames = audio.channels[0]?.length ?? 0
      const result: AudioForDisplay = {
        path: t.path,
        wav: encodeWav16(audio.channels, audio.sampleRate),
        sampleRate: audio.sampleRate,
        channels: audio.channels.length,
        frames,
        durationS: frames / audio.sampleRate
      }
      return result
    }
    case 'listCheckpoints':
      return listCheckpoints(t.run)
    case 'exportCheckpoint':
      await initBackend()
      await exportCheckpoint(t.checkpoint, t.modelDir)
      return { modelDir: t.modelDir }
    case 'listPresets': {
      const presets: CommandResult<'listPresets'> = Object.entries(TRAIN_PRESETS).map(([name, config]) => ({
        name: name as keyof typeof TRAIN_PRESETS,
        config: config as Record<string, unknown>
      }))
      return presets
    }
  }
}
