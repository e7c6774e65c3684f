// Type-only imports: the preload bundle (sandboxed, CommonJS) includes this file and must stay free of zod.
import type { CommandName, CommandParams, CommandResult } from './commands.ts'
import type { DulcetEvent } from './events.ts'

type P<K extends CommandName> = CommandParams<K>
type R<K extends CommandName> = Promise<CommandResult<K>>

/**
 * What the renderer talks to: `window.dulcet` in Electron (preload), or `createWebClient()` in a browser.
 * Every method resolves with the command's result or rejects with an Error whose message says what went wrong
 * (a DulcetError with `code` over WebSocket; in Electron the context bridge keeps only the message).
 */
export interface DulcetApi {
  backendInfo(): R<'backendInfo'>
  hostInfo(): R<'hostInfo'>
  readAudio(params: P<'readAudio'>): R<'readAudio'>

  enhance(params: P<'enhance'>): R<'enhance'>
  batch(params: P<'batch'>): R<'batch'>
  train(params: P<'train'>): R<'train'>
  listJobs(): R<'listJobs'>
  pauseJob(params: P<'pauseJob'>): R<'pauseJob'>
  resumeJob(params: P<'resumeJob'>): R<'resumeJob'>
  stopJob(params: P<'stopJob'>): R<'stopJob'>
  cancelJob(params: P<'cancelJob'>): R<'cancelJob'>

  getThreshold(params?: P<'getThreshold'>): R<'getThreshold'>
  setDefaultThreshold(params: P<'setDefaultThreshold'>): R<'setDefaultThreshold'>
  setJobThreshold(params: P<'setJobThreshold'>): R<'setJobThreshold'>

  listPresets(): R<'listPresets'>
  listCheckpoints(params: P<'listCheckpoints'>): R<'listCheckpoints'>
  exportCheckpoint(params: P<'exportCheckpoint'>): R<'exportCheckpoint'>
  useModel(params: P<'useModel'>): R<'useModel'>

  getSettings(): R<'getSettings'>
  setSettings(params: P<'setSettings'>): R<'setSettings'>

  openFile(params?: P<'openFile'>): R<'openFile'>
  openFolder(params?: P<'openFolder'>): R<'openFolder'>
  saveFile(params?: P<'saveFile'>): R<'saveFile'>
  listDir(params?: P<'listDir'>): R<'listDir'>
  choosePath(params: P<'choosePath'>): R<'choosePath'>
  showInFolder(params: P<'showInFolder'>): R<'showInFolder'>
  /** Files dropped on the window: their paths (Electron), now readable. The web host has no paths: []. */
  dropFiles(files: File[]): Promise<{ paths: string[] }>

  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (event: DulcetEvent) => void): () => void
}

export type DulcetErrorCode = 'bad-json' | 'schema' | 'unknown-command' | 'not-allowed' | 'not-found' | 'unsupported' | 'failed' | 'disconnected'

/** A failed command as the renderer sees it. */
export class DulcetError extends Error {
  constructor(
    readonly code: DulcetErrorCode,
    message: string,
    readonly file?: string,
    readonly problems?: string[]
  ) {
    super(message)
    this.name = 'DulcetError'
  }
}

/** Sends one command and resolves with its result (throws DulcetError on an error reply). */
export type CommandCaller = <K extends CommandName>(command: K, params: P<K>) => R<K>

/** The DulcetApi methods, in one list (the preload exposes exactly these). */
export const API_METHODS = [
  'backendInfo',
  'hostInfo',
  'readAudio',
  'enhance',
  'batch',
  'train',
  'listJobs',
  'pauseJob',
  'resumeJob',
  'stopJob',
  'cancelJob',
  'getThreshold',
  'setDefaultThreshold',
  'setJobThreshold',
  'listPresets',
  'listCheckpoints',
  'exportCheckpoint',
  'useModel',
  'getSettings',
  'setSettings',
  'openFile',
  'openFolder',
  'saveFile',
  'listDir',
  'choosePath',
  'showInFolder',
  'dropFiles',
  'onEvent'
] as const satisfies readonly (keyof DulcetApi)[]

type MissingMethods = Exclude<keyof DulcetApi, (typeof API_METHODS)[number]>
// Fails to compile when a DulcetApi method is missing from API_METHODS.
export const API_METHODS_COMPLETE: [MissingMethods] extends [never] ? true : never = true

/** Builds a DulcetApi from a transport: `call` for commands, `subscribe` for events, `dropped` for File objects. */
export function makeApi(
  call: CommandCaller,
  subscribe: (listener: (event: DulcetEvent) => void) => () => void,
  dropped: (files: File[]) => Promise<{ paths: string[] }>
): DulcetApi {
  return {
    backendInfo: () => call('backendInfo', {}),
    hostInfo: () => call('hostInfo', {}),
    readAudio: (p) => call('readAudio', p),
    enhance: (p) => call('enhance', p),
    batch: (p) => call('batch', p),
    train: (p) => call('train', p),
    listJobs: () => call('listJobs', {}),
    pauseJob: (p) => call('pauseJob', p),
    resumeJob: (p) => call('resumeJob', p),
    stopJob: (p) => call('stopJob', p),
    cancelJob: (p) => call('cancelJob', p),
    getThreshold: (p) => call('getThreshold', p ?? {}),
    setDefaultThreshold: (p) => call('setDefaultThreshold', p),
    setJobThreshold: (p) => call('setJobThreshold', p),
    listPresets: () => call('listPresets', {}),
    listCheckpoints: (p) => call('listCheckpoints', p),
    exportCheckpoint: (p) => call('exportCheckpoint', p),
    useModel: (p) => call('useModel', p),
    getSettings: () => call('getSettings', {}),
    setSettings: (p) => call('setSettings', p),
    openFile: (p) => call('openFile', p ?? {}),
    openFolder: (p) => call('openFolder', p ?? {}),
    saveFile: (p) => call('saveFile', p ?? {}),
    listDir: (p) => call('listDir', p ?? {}),
    choosePath: (p) => call('choosePath', p),
    showInFolder: (p) => call('showInFolder', p),
    dropFiles: dropped,
    onEvent: subscribe
  }
}

/** Electron IPC channel names (preload <-> main). */
export const IPC_COMMAND = 'dulcet:command'
export const IPC_EVENT = 'dulcet:event'
