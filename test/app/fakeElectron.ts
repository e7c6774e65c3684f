/**
 * A stand-in for the `electron` module (no Electron binary here): records what main and preload register,
 * and connects ipcRenderer.invoke to the handler main registered, as Electron's IPC would.
 * Used only through vi.mock('electron') at the module boundary.
 */
type Listener = (event: unknown, ...args: unknown[]) => unknown

export const APP_FRAME_URL = 'file:///opt/dulcet/resources/app/out/renderer/index.html'

export function makeFakeElectron() {
  const handlers = new Map<string, Listener>()
  const rendererListeners = new Map<string, Set<Listener>>()
  const exposed: Record<string, unknown> = {}
  const appListeners = new Map<string, Listener[]>()
  const dialogAnswers = { open: [] as string[], save: null as string | null, openCalls: [] as unknown[] }
  const state = { userData: '', menuTemplate: [] as unknown[] }
  const session = {
    onHeadersReceived: undefined as undefined | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    onBeforeRequest: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
    permissionHandler: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void)
  }

  class FakeWebContents {
    readonly sent: Array<[string, unknown]> = []
    readonly listeners = new Map<string, Listener>()
    openHandler?: () => { action: string }
    send(channel: string, payload: unknown): void {
      this.sent.push([channel, payload])
      for (const l of rendererListeners.get(channel) ?? []) l({ sender: 'main' }, payload)
    }
    setWindowOpenHandler(h: () => { action: string }): void {
      this.openHandler = h
    }
    on(event: string, l: Listener): void {
      this.listeners.set(event, l)
    }
  }

  class BrowserWindow {
    static readonly all: BrowserWindow[] = []
    static getAllWindows(): BrowserWindow[] {
      return BrowserWindow.all
    }
    static getFocusedWindow(): BrowserWindow | null {
      return BrowserWindow.all[0] ?? null
    }
    readonly webContents = new FakeWebContents()
    loaded: string | undefined
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      BrowserWindow.all.push(this)
    }
    once(): void {}
    show(): void {}
    isDestroyed(): boolean {
      return false
    }
    isMinimized(): boolean {
      return false
    }
    restore(): void {}
    focus(): void {}
    async loadFile(f: string): Promise<void> {
      this.loaded = f
    }
    async loadURL(u: string): Promise<void> {
      this.loaded = u
    }
  }

  const electron = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: () => true,
      whenReady: async () => undefined,
      getPath: (name: string) => (name === 'userData' ? state.userData : '/nonexistent'),
      on: (event: string, l: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), l]),
      quit: () => undefined
    },
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, l: Listener) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
        handlers.set(channel, l)
      },
      removeHandler: (channel: string) => handlers.delete(channel)
    },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        const h = handlers.get(channel)
        if (!h) throw new Error(`No handler registered for '${channel}'`)
        return h({ senderFrame: { url: APP_FRAME_URL } }, payload)
      },
      on: (channel: string, l: Listener) => {
        const set = rendererListeners.get(channel) ?? new Set<Listener>()
        set.add(l)
        rendererListeners.set(channel, set)
      },
      removeListener: (channel: string, l: Listener) => rendererListeners.get(channel)?.delete(l)
    },
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api
      }
    },
    webUtils: { getPathForFile: (f: { path?: string }) => f.path ?? '' },
    Menu: {
      buildFromTemplate: (t: unknown[]) => {
        state.menuTemplate = t
        return { template: t }
      },
      setApplicationMenu: () => undefined
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (l: typeof session.onHeadersReceived) => (session.onHeadersReceived = l),
          onBeforeRequest: (l: typeof session.onBeforeRequest) => (session.onBeforeRequest = l)
        },
        setPermissionRequestHandler: (l: typeof session.permissionHandler) => (session.permissionHandler = l)
      }
    },
    dialog: {
      showOpenDialog: async (...args: unknown[]) => {
        dialogAnswers.openCalls.push(args.at(-1))
        return { canceled: dialogAnswers.open.length === 0, filePaths: dialogAnswers.open }
      },
      showSaveDialog: async () => ({ canceled: dialogAnswers.save === null, filePath: dialogAnswers.save ?? undefined })
    },
    shell: { showItemInFolder: () => undefined }
  }
  return { electron, handlers, exposed, dialogAnswers, state, session, appListeners, BrowserWindow }
}
