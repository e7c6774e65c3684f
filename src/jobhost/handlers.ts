import { stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import type { CommandParams } from '../protocol/commands.ts'
import type { BackendInfo, EnhanceOptions, Settings } from '../protocol/schemas.ts'
import type { AccessList } from './access.ts'
import { CommandError, type Handlers } from './dispatcher.ts'
import { finiteOrNull } from './errorInfo.ts'
import type { JobHost } from './jobHost.ts'
import { listDir } from './listDir.ts'
import type { SettingsStore } from './settings.ts'

/** Native dialogs (Electron main). The web host has none. */
export interface Dialogs {
  openFile(o: CommandParams<'openFile'>): Promise<string[]>
  openFolder(o: CommandParams<'openFolder'>): Promise<string | null>
  saveFile(o: CommandParams<'saveFile'>): Promise<string | null>
  showInFolder(path: string): void
}

export interface HandlerDeps {
  jobs: JobHost
  settings: SettingsStore
  access: AccessList
  host: 'electron' | 'web'
  /** Present in Electron: then pickers are native and choosePath is refused. */
  dialogs?: Dialogs
  version: string
}

function hasThreshold(config: Record<string, unknown> | undefined): boolean {
  const gan = config?.gan as { reconstruction?: { threshold?: unknown } } | undefined
  return typeof gan?.reconstruction?.threshold === 'number'
}

export function createHandlers(d: HandlerDeps): Handlers {
  const { jobs, settings, access } = d
  let backend: BackendInfo | undefined

  const mustRead = (path: string, what: string): string => {
    if (!access.canRead(path)) throw new CommandError('not-allowed', `${path}: ${what} was not chosen by the user`, path)
    return resolve(path)
  }
  const mustWrite = (path: string, what: string): string => {
    if (!access.canWrite(path)) throw new CommandError('not-allowed', `${path}: ${what} is not in a place the user chose`, path)
    return resolve(path)
  }
  const dialogs = (): Dialogs => {
    if (!d.dialogs) throw new CommandError('unsupported', 'no native dialogs here: browse with listDir, then choosePath')
    return d.dialogs
  }
  const electronOnly = (what: string): void => {
    if (d.host !== 'electron') throw new CommandError('unsupported', `${what} is only available in the desktop app`)
  }
  const changed = (s: Settings): Settings => {
    jobs.emit({ type: 'settings.changed', settings: s })
    return s
  }
  const checkModel = (model: string | null | undefined): void => {
    if (model && model !== settings.get().modelDir) mustRead(model, 'the model folder')
  }

  /** Options for a new enhancement: the request's, else the user's defaults. */
  const enhanceDefaults = (o: EnhanceOptions = {}): EnhanceOptions => {
    const s = settings.get()
    checkModel(o.model)
    const model = o.model ?? s.modelDir ?? undefined
    const format = o.format ?? (s.outputFormat === 'input' ? undefined : s.outputFormat)
    return {
      ...(model ? { model } : {}),
      ...(format ? { format } : {}),
      strength: o.strength ?? s.strength,
      matchLoudness: o.matchLoudness ?? s.matchLoudness
    }
  }

  return {
    backendInfo: async () => (backend ??= (await jobs.service.run({ task: 'backendInfo' })) as BackendInfo),
    hostInfo: async () => ({
      kind: d.host,
      nativeDialogs: d.dialogs !== undefined,
      platform: process.platform,
      homeDir: homedir(),
      version: d.version
    }),
    readAudio: async ({ path }) => {
      const p = mustRead(path, 'the file')
      return (await jobs.service.run({ task: 'readAudio', path: p })) as never
    },

    enhance: async ({ input, output, options }) => {
      const inp = mustRead(input, 'the input file')
      const out = mustWrite(output, 'the output file')
      if (inp === out) throw new CommandError('not-allowed', `${out}: the output would overwrite the input`, out)
      const jobId = jobs.start({ kind: 'enhance', input: inp, output: out, options: enhanceDefaults(options) }, inp)
      access.allowFile(out)
      return { jobId }
    },
    batch: async ({ options }) => {
      const inDir = mustRead(options.inDir, 'the input folder')
      const outDir = mustWrite(options.outDir, 'the output folder')
      if (inDir === outDir) throw new CommandError('not-allowed', `${outDir}: the output folder must differ from the input folder`, outDir)
      if (options.report) mustWrite(options.report, 'the report file')
      const full = { ...options, ...enhanceDefaults(options), inDir, outDir }
      const jobId = jobs.start({ kind: 'batch', options: full }, inDir)
      access.allowFolder(outDir)
      if (options.report) access.allowFile(options.report)
      return { jobId }
    },
    train: async (p) => {
      const synthetic = mustRead(p.synthetic, 'the synthetic folder')
      const real = mustRead(p.real, 'the real folder')
      const out = mustWrite(p.out, 'the run folder')
      if (p.init) mustRead(p.init, 'the starting model')
      const deviationThreshold = p.deviationThreshold ?? (hasThreshold(p.config) ? undefined : settings.get().deviationThreshold)
      const options = { ...p, synthetic, real, out, ...(deviationThreshold !== undefined ? { deviationThreshold } : {}) }
      const jobId = jobs.start({ kind: 'train', options }, out)
      access.allowFolder(out)
      return { jobId }
    },
    listJobs: async () => jobs.list(),
    pauseJob: async ({ jobId }) => (jobs.pause(jobId), { ok: true as const }),
    resumeJob: async ({ jobId }) => (jobs.resume(jobId), { ok: true as const }),
    stopJob: async ({ jobId }) => (jobs.stop(jobId), { ok: true as const }),
    cancelJob: async ({ jobId }) => (jobs.cancel(jobId), { ok: true as const }),

    getThreshold: async ({ jobId }) =>
      jobId
        ? { threshold: jobs.threshold(jobId), source: 'job' as const }
        : { threshold: settings.get().deviationThreshold, source: 'default' as const },
    setDefaultThreshold: async ({ threshold }) => changed(await settings.update({ deviationThreshold: threshold })),
    setJobThreshold: async ({ jobId, threshold, weight }) => (jobs.setThreshold(jobId, threshold, weight), { ok: true as const }),

    listPresets: async () => (await jobs.service.run({ task: 'listPresets' })) as never,
    listCheckpoints: async ({ run }) => {
      const r = mustRead(run, 'the run folder')
      return finiteOrNull(await jobs.service.run({ task: 'listCheckpoints', run: r })) as never
    },
    exportCheckpoint: async ({ checkpoint, modelDir }) => {
      const c = mustRead(checkpoint, 'the checkpoint')
      const m = mustWrite(modelDir, 'the model folder')
      await jobs.service.run({ task: 'exportCheckpoint', checkpoint: c, modelDir: m })
      access.allowFolder(m)
      return { modelDir: m }
    },
    useModel: async ({ modelDir }) => {
      const m = modelDir === null ? null : mustRead(modelDir, 'the model folder')
      if (m) {
        const s = await stat(resolve(m, 'model.json')).catch(() => null)
        if (!s?.isFile()) throw new CommandError('not-found', `${m}: not an enhancer model folder (no model.json)`, m)
      }
      return changed(await settings.update({ modelDir: m }))
    },

    getSettings: async () => settings.get(),
    setSettings: async (patch) => {
      if (patch.modelDir) mustRead(patch.modelDir, 'the model folder')
      return changed(await settings.update(patch))
    },

    openFile: async (o) => {
      const paths = await dialogs().openFile(o)
      return { paths: paths.map((p) => access.allowFile(p)) }
    },
    openFolder: async (o) => {
      const p = await dialogs().openFolder(o)
      return { path: p === null ? null : access.allowFolder(p) }
    },
    saveFile: async (o) => {
      const p = await dialogs().saveFile(o)
      return { path: p === null ? null : access.allowFile(p) }
    },
    listDir: async ({ path }) => listDir(path),
    choosePath: async ({ path, kind }) => {
      if (d.host !== 'web') throw new CommandError('not-allowed', 'choosePath is for the web host; the desktop app uses native dialogs')
      return { path: kind === 'folder' ? access.allowFolder(path) : access.allowFile(path) }
    },
    addDroppedPaths: async ({ paths }) => {
      electronOnly('dropping files')
      const out: string[] = []
      for (const p of paths) {
        const s = await stat(p).catch(() => null)
        if (s?.isDirectory()) out.push(access.allowFolder(p))
        else if (s?.isFile()) out.push(access.allowFile(p))
      }
      return { paths: out }
    },
    showInFolder: async ({ path }) => {
      electronOnly('showing a file in its folder')
      dialogs().showInFolder(mustRead(path, 'the file'))
      return { ok: true as const }
    }
  }
}
