import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import type { AppCore } from '../jobhost/core.ts'
import { IPC_COMMAND, IPC_EVENT } from '../protocol/api.ts'
import type { Reply } from '../protocol/commands.ts'
import { isAppUrl } from './window.ts'

/**
 * ipcMain <-> protocol: every command goes through the dispatcher (which validates it against the schemas);
 * every JobHost event goes to every window. Returns the function that undoes the wiring.
 */
export function registerIpc(core: AppCore): () => void {
  ipcMain.handle(IPC_COMMAND, async (event: IpcMainInvokeEvent, request: unknown): Promise<Reply> => {
    const from = event.senderFrame?.url ?? ''
    if (!isAppUrl(from)) return { ok: false, error: { code: 'not-allowed', message: `commands from ${from || 'an unknown frame'} are refused` } }
    return core.dispatch(request)
  })
  const unsubscribe = core.jobs.onEvent((e) => {
    for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e)
  })
  return () => {
    ipcMain.removeHandler(IPC_COMMAND)
    unsubscribe()
  }
}
