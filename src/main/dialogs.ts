import { BrowserWindow, dialog, shell, type FileFilter } from 'electron'
import type { Dialogs } from '../jobhost/handlers.ts'
import type { FileFilter as ProtocolFilter } from '../protocol/schemas.ts'

const AUDIO = ['wav', 'flac', 'mp3', 'ogg', 'oga', 'opus']

function filters(f: ProtocolFilter | undefined, save = false): FileFilter[] {
  if (f === 'audio') return save ? [{ name: 'WAV audio', extensions: ['wav'] }] : [{ name: 'Audio', extensions: AUDIO }]
  if (f === 'json') return [{ name: 'JSON', extensions: ['json'] }]
  return []
}

/** The native open/save/folder dialogs, attached to the focused window. */
export function nativeDialogs(): Dialogs {
  const parent = (): BrowserWindow | undefined => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  const show = <T>(open: (w: BrowserWindow | undefined) => Promise<T>): Promise<T> => open(parent())
  return {
    openFile: (o) =>
      show(async (w) => {
        const props: Array<'openFile' | 'multiSelections'> = o.multiple ? ['openFile', 'multiSelections'] : ['openFile']
        const opts = { title: o.title, properties: props, filters: filters(o.filter) }
        const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts)
        return r.canceled ? [] : r.filePaths
      }),
    openFolder: (o) =>
      show(async (w) => {
        const opts = { title: o.title, properties: ['openDirectory' as const, 'createDirectory' as const] }
        const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts)
        return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
      }),
    saveFile: (o) =>
      show(async (w) => {
        const opts = { title: o.title, defaultPath: o.defaultPath, filters: filters(o.filter, true) }
        const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts)
        return r.canceled || !r.filePath ? null : r.filePath
      }),
    showInFolder: (path) => shell.showItemInFolder(path)
  }
}
