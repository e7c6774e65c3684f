/**
 * JSON for the WebSocket transport. Bytes (Uint8Array, e.g. readAudio's WAV) travel as {"$bytes": base64}.
 * Browser-safe: no Buffer, no Node imports.
 */

const CHUNK = 0x8000

export function bytesToBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(s)
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export function encodeMessage(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $bytes: bytesToBase64(value) } : value
  )
}

function isBytesBox(v: unknown): v is { $bytes: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.keys(v).length === 1 &&
    typeof (v as { $bytes?: unknown }).$bytes === 'string'
  )
}

/** Parses a message; throws SyntaxError on bad JSON. */
export function decodeMessage(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (isBytesBox(value) ? base64ToBytes(value.$bytes) : value))
}
