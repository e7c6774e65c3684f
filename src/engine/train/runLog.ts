/**
 * The run folder's logs: metrics.jsonl (one JSON object per logged step: StepStats + seconds) and
 * events.jsonl (diagnostics, checkpoints, info), appended line by line so a crash loses at most a line.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LoggedStep, TrainEvent } from './types.ts'

export class RunLog {
  private chain: Promise<void> = Promise.resolve()

  constructor(readonly run: string) {}

  private append(file: string, obj: unknown): Promise<void> {
    const line = JSON.stringify(obj, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n'
    this.chain = this.chain.then(async () => {
      await mkdir(this.run, { recursive: true })
      await appendFile(join(this.run, file), line)
    })
    return this.chain
  }

  metric(s: LoggedStep): Promise<void> {
    return this.append('metrics.jsonl', s)
  }

  event(e: TrainEvent): Promise<void> {
    return this.append('events.jsonl', { ...e, time: new Date().toISOString() })
  }

  flush(): Promise<void> {
    return this.chain
  }
}

/** Reads a .jsonl file of a run (metrics.jsonl or events.jsonl); a missing file reads as empty. */
export async function readJsonl<T>(path: string): Promise<T[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T)
}
