import { join } from 'node:path'
import { BrowserWindow, session } from 'electron'

/** Content the window may load: the built renderer (file://) or, in development, the Vite dev server. */
export function isAppUrl(url: string): boolean {
  const dev = process.env.ELECTRON_RENDERER_URL
  if (dev && url.startsWith(dev)) return true
  return url.startsWith('file://') || url.startsWith('devtools://')
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: data:; " +
  "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

let locked = false

/** Session-wide rules: a CSP on every response, no remote requests, no permissions (camera, notifications, ...). */
function lockDownSession(): void {
  if (locked) return
  locked = true
  const s = session.defaultSession
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  s.webRequest.onBeforeRequest((details, callback) => {
    const dev = process.env.ELECTRON_RENDERER_URL
    const devSocket = dev ? dev.replace(/^http/, 'ws') : undefined
    const ok = isAppUrl(details.url) || (devSocket !== undefined && details.url.startsWith(devSocket)) || details.url.startsWith('blob:') || details.url.startsWith('data:')
    callback({ cancel: !ok })
  })
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
}

export function createMainWindow(): BrowserWindow {
  lockDownSession()
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Dulcet',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false
    }
  })
  win.once('ready-to-show', () => win.show())
  const wc = win.webContents
  wc.setWindowOpenHandler(() => ({ action: 'deny' }))
  // Dropping a file outside a drop zone would navigate to it; the app never navigates.
  wc.on('will-navigate', (event) => event.preventDefault())
  wc.on('will-redirect', (event) => event.preventDefault())
  wc.on('will-attach-webview', (event) => event.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'))
  return win
}
