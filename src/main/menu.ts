import { app, Menu, type MenuItemConstructorOptions } from 'electron'
import type { MenuAction } from '../protocol/events.ts'

/** The application menu; items the renderer handles are sent to it as 'menu' events. */
export function buildMenu(send: (action: MenuAction) => void): Menu {
  const item = (label: string, action: MenuAction, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(action)
  })
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('Open Audio File…', 'open-file', 'CmdOrCtrl+O'),
        item('Open Folder…', 'open-folder', 'CmdOrCtrl+Shift+O'),
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('Enhance', 'view-enhance', 'CmdOrCtrl+1'),
        item('Batch', 'view-batch', 'CmdOrCtrl+2'),
        item('Train', 'view-train', 'CmdOrCtrl+3'),
        item('Settings', 'view-settings', 'CmdOrCtrl+,'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])
      ]
    },
    { role: 'windowMenu' }
  ]
  return Menu.buildFromTemplate(template)
}
