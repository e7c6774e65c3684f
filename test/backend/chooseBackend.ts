// Run in a child process by backend tests: initBackend() with the environment it was given, result as JSON.
import { initBackend } from '../../src/engine/backend.ts'

try {
  const info = await initBackend()
  process.stdout.write(JSON.stringify(info))
} catch (e) {
  process.stderr.write(e instanceof Error ? e.message : String(e))
  process.exitCode = 3
}
