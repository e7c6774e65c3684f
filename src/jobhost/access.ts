import { dirname, resolve, sep } from 'node:path'

/**
 * The files the UI may read and the places it may write: what the user picked or dropped, what Dulcet
 * wrote, and the contents of folders the user picked. Everything else is refused.
 */
export class AccessList {
  private readonly files = new Set<string>()
  private readonly folders = new Set<string>()

  allowFile(path: string): string {
    const p = resolve(path)
    this.files.add(p)
    return p
  }

  allowFolder(path: string): string {
    const p = resolve(path)
    this.folders.add(p)
    return p
  }

  /** A chosen file, or anything inside a chosen folder. */
  canRead(path: string): boolean {
    const p = resolve(path)
    if (this.files.has(p)) return true
    for (const f of this.folders) if (p === f || p.startsWith(f.endsWith(sep) ? f : f + sep)) return true
    return false
  }

  /** Readable, or a new file/folder next to a chosen file or inside a chosen folder. */
  canWrite(path: string): boolean {
    const p = resolve(path)
    if (this.canRead(p)) return true
    const parent = dirname(p)
    if (this.canRead(parent)) return true
    for (const f of this.files) if (dirname(f) === parent) return true
    return false
  }
}
