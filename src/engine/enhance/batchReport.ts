import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { BatchFileStatus } from './types.ts'

export interface BatchReport {
  format: 'dulcet-batch-report'
  version: 1
  inDir: string
  outDir: string
  model: string
  startedAt: string
  finishedAt: string
  cancelled: boolean
  summary: { total: number; done: number; skipped: number; failed: number; cancelled: number; audioS: number; computeS: number; wallS: number }
  files: BatchFileStatus[]
}

/** Both report paths for a --report argument: x.json -> [x.json, x.csv]; x.csv -> [x.json, x.csv]; x -> [x.json, x.csv]. */
export function reportPaths(report: string): [string, string] {
  const p = resolve(report)
  const ext = extname(p).toLowerCase()
  const stem = ext === '.json' || ext === '.csv' ? p.slice(0, -ext.length) : p
  return [`${stem}.json`, `${stem}.csv`]
}

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return ''
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '') : v
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One row per file: file, status, duration (s of audio), time taken (s of compute), input bandwidth, error. */
export function reportCsv(files: BatchFileStatus[]): string {
  const rows = [['file', 'status', 'duration_s', 'time_s', 'bandwidth', 'error'].join(',')]
  for (const f of files) rows.push([f.file, f.status, f.durationS, f.computeS, f.bandwidth, f.error].map(csvCell).join(','))
  return rows.join('\n') + '\n'
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, text)
    await rename(tmp, path)
  } finally {
    await rm(tmp, { force: true })
  }
}

export function summarise(files: BatchFileStatus[]): Omit<BatchReport['summary'], 'wallS'> {
  const count = (s: BatchFileStatus['status']) => files.filter((f) => f.status === s).length
  const done = files.filter((f) => f.status === 'done')
  return {
    total: files.length,
    done: done.length,
    skipped: count('skipped'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    audioS: done.reduce((a, f) => a + (f.durationS ?? 0), 0),
    computeS: done.reduce((a, f) => a + (f.computeS ?? 0), 0)
  }
}

/** Writes the report as JSON and CSV (atomically); returns both paths. */
export async function writeBatchReport(report: string, r: BatchReport): Promise<string[]> {
  const [json, csv] = reportPaths(report)
  await writeAtomic(json, JSON.stringify(r, null, 2) + '\n')
  await writeAtomic(csv, reportCsv(r.files))
  return [json, csv]
}
