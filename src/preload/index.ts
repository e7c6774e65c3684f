import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { DulcetError, IPC_COMMAND, IPC_EVENT, makeApi, type CommandCaller } from '../protocol/api.ts'
import type { Reply } from '../protocol/commands.ts'
import type { DulcetEvent } from '../protocol/events.ts'

// Sandboxed preload: only `electron` may be required here, so this bundle imports no zod (main validates).

const call: CommandCaller = async (command, params) => {
  const reply = (await ipcRenderer.invoke(IPC_COMMAND, { command, params })) as Reply
  if (reply.ok) return reply.result as never
  const e = reply.error
  throw new DulcetError(e.code, e.message, e.file, e.problems)
}

function subscribe(listener: (event: DulcetEvent) => void): () => void {
  const handler = (_e: IpcRendererEvent, event: DulcetEvent): void => listener(event)
  ipcRenderer.on(IPC_EVENT, handler)
  return () => {
    ipcRenderer.removeListener(IPC_EVENT, handler)
  }
}

/** Dropped File objects -> their paths on disk (only the preload can ask); main adds them to the readable files. */
async function dropFiles(files: File[]): Promise<{ paths: string[] }> {
  const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p.length > 0)
  if (paths.length === 0) return { paths: [] }
  return call('addDroppedPaths', { paths })
}

contextBridge.exposeInMainWorld('dulcet', makeApi(call, subscribe, dropFiles))
