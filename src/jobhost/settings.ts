import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { userDataDir } from '../engine/paths.ts'
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../protocol/schemas.ts'

/** settings.json in the per-user Dulcet folder (DULCET_USER_DATA, else where Electron keeps an app named "Dulcet"). */
export function defaultSettingsFile(): string {
  return join(userDataDir(), 'settings.json')
}

/** User settings as one JSON file, written atomically (temp file in the same folder + rename). */
export class SettingsStore {
  private current: Settings = { ...DEFAULT_SETTINGS }
  private writing: Promise<void> = Promise.resolve()

  constructor(readonly file: string) {}

  /** Reads the file; a missing file means defaults, and fields that fail validation fall back to defaults. */
  async load(): Promise<Settings> {
    let raw: unknown
    try {
      raw = JSON.parse(await readFile(this.file, 'utf8'))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`dulcet: ${this.file}: unreadable settings, using defaults`)
      return this.current
    }
    const next: Record<string, unknown> = { ...DEFAULT_SETTINGS }
    if (raw && typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw)) {
        const field = SettingsSchema.shape[k as keyof Settings]
        if (field?.safeParse(v).success) next[k] = v
        else console.warn(`dulcet: ${this.file}: ignored setting "${k}"`)
      }
    }
    this.current = SettingsSchema.parse(next)
    return this.current
  }

  get(): Settings {
    return { ...this.current }
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    this.current = SettingsSchema.parse({ ...this.current, ...patch })
    const snapshot = JSON.stringify(this.current, null, 2) + '\n'
    // Writes run one after another so an older one never lands last.
    this.writing = this.writing.catch(() => undefined).then(() => this.write(snapshot))
    await this.writing
    return this.get()
  }

  private async write(text: string): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`
    await writeFile(tmp, text, 'utf8')
    await rename(tmp, this.file)
  }
}
