import { probeAudio, readAudio } from '../engine/audio/index.ts'
import { initBackend } from '../engine/backend.ts'
import { AudioFileError } from '../engine/errors.ts'
import { exportCheckpoint, listCheckpoints } from '../engine/train/checkpoint.ts'
import { TRAIN_PRESETS } from '../engine/train/config.ts'
import type { AudioForDisplay } from '../protocol/schemas.ts'
import type { CommandResult } from '../protocol/commands.ts'
import type { ServiceTask } from './messages.ts'
import { encodeWav16 } from './wavBytes.ts'

/** Audio for display travels whole (16-bit WAV; base64 over WebSocket): about 35 min of 48 kHz stereo at most. */
const MAX_DISPLAY_BYTES = 400 * 1024 * 1024

/** Runs one short task inside the service worker. */
export async function runServiceTask(t: ServiceTask): Promise<unknown> {
  switch (t.task) {
    case 'backendInfo':
      return initBackend()
    case 'readAudio': {
      const info = await probeAudio(t.path)
      const bytes = info.frames * info.channelCount * 2
      if (bytes > MAX_DISPLAY_BYTES) {
        const minutes = (info.frames / info.sampleRate / 60).toFixed(1)
        throw new AudioFileError(t.path, `${minutes} min of audio is too long to show here (enhancing it works all the same)`)
      }
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
