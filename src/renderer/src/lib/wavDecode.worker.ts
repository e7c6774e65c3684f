import { parseWav } from './wavParse.ts'

interface Request { id: number; bytes: ArrayBuffer }

self.onmessage = (e: MessageEvent<Request>) => {
  const { id, bytes } = e.data
  try {
    const wav = parseWav(bytes)
    const transfer = wav.channels.map((c) => c.buffer as ArrayBuffer)
    ;(self as unknown as Worker).postMessage({ id, ok: true, wav }, transfer)
  } catch (err) {
    ;(self as unknown as Worker).postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) })
  }
}
