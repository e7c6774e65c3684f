// Main-thread side of wavDecode.worker.ts: one shared worker, requests matched by id.
import type { DecodedWav } from './wavParse.ts'

type Reply = { id: number; ok: true; wav: DecodedWav } | { id: number; ok: false; error: string }

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, { resolve(w: DecodedWav): void; reject(e: Error): void }>()

function getWorker(): Worker {
  if (worker) return worker
  worker = new Worker(new URL('./wavDecode.worker.ts', import.meta.url), { type: 'module' })
  worker.onmessage = (e: MessageEvent<Reply>) => {
    const p = pending.get(e.data.id)
    if (!p) return
    pending.delete(e.data.id)
    if (e.data.ok) p.resolve(e.data.wav)
    else p.reject(new Error(e.data.error))
  }
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(`WAV decoder failed: ${e.message}`))
    pending.clear()
    worker = null
  }
  return worker
}

/** Decodes WAV bytes off the UI thread. The bytes are copied first so the caller keeps its Uint8Array. */
export function decodeWav(bytes: Uint8Array): Promise<DecodedWav> {
  const copy = bytes.slice().buffer
  const id = nextId++
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    getWorker().postMessage({ id, bytes: copy }, [copy])
  })
}
