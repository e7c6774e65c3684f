import { join } from 'node:path'
import { app, BrowserWindow, Menu } from 'electron'
import { createAppCore, type AppCore } from '../jobhost/core.ts'
import { nativeDialogs } from './dialogs.ts'
import { registerIpc } from './ipc.ts'
import { buildMenu } from './menu.ts'
import { createMainWindow } from './window.ts'

/** How long quitting waits for running trainings to write their last checkpoint and export. */
const QUIT_GRACE_MS = 20_000

export interface MainApp {
  core: AppCore
  window: BrowserWindow
  shutdown(): Promise<void>
}

/**
 * The Electron main process: one instance, one window, the JobHost behind IPC. Returns null when
 * another instance already runs (that one gets focus and this one quits).
 */
export async function startMain(): Promise<MainApp | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return null
  }
  // Engine workers find models, examples and wasm binaries through DULCET_RESOURCES, and per-user data through
  // DULCET_USER_DATA (src/engine/paths.ts); workers inherit both.
  if (app.isPackaged) process.env.DULCET_RESOURCES = process.resourcesPath
  await app.whenReady()
  process.env.DULCET_USER_DATA = app.getPath('userData')

  const core = await createAppCore({
    host: 'electron',
    settingsFile: join(app.getPath('userData'), 'settings.json'),
    dialogs: nativeDialogs()
  })
  const unregister = registerIpc(core)
  Menu.setApplicationMenu(buildMenu((action) => core.jobs.emit({ type: 'menu', action })))
  let window = createMainWindow()

  app.on('second-instance', () => {
    if (window.isDestroyed()) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow()
  })

  let done: Promise<void> | undefined
  const shutdown = (): Promise<void> =>
    (done ??= (async () => {
      // Dispose first: the window still hears how its trainings ended.
      await core.dispose(QUIT_GRACE_MS)
      unregister()
    })())
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', (event) => {
    if (done) return
    event.preventDefault()
    void shutdown().finally(() => app.quit())
  })
  return { core, get window() { return window }, shutdown }
}
