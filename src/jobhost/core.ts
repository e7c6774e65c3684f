import { AccessList } from './access.ts'
import { createDispatcher, type Dispatcher } from './dispatcher.ts'
import type { Dialogs } from './handlers.ts'
import { JobHost, type JobHostOptions } from './jobHost.ts'
import { SettingsStore } from './settings.ts'

export const DULCET_VERSION = '0.1.0'

export interface AppCoreOptions {
  host: 'electron' | 'web'
  settingsFile: string
  dialogs?: Dialogs
  jobHost?: JobHostOptions
}

/** What both hosts (Electron main, web host) run: the JobHost, settings, the access list and the dispatcher. */
export interface AppCore {
  jobs: JobHost
  settings: SettingsStore
  access: AccessList
  dispatch: Dispatcher
  /** Stops trainings gracefully (checkpoint + export, up to `graceMs`), then ends all workers. */
  dispose(graceMs?: number): Promise<void>
}

export async function createAppCore(o: AppCoreOptions): Promise<AppCore> {
  const jobs = new JobHost(o.jobHost)
  const settings = new SettingsStore(o.settingsFile)
  await settings.load()
  const access = new AccessList()
  const dispatch = createDispatcher({ jobs, settings, access, host: o.host, dialogs: o.dialogs, version: DULCET_VERSION })
  return { jobs, settings, access, dispatch, dispose: (graceMs) => jobs.dispose(graceMs) }
}
