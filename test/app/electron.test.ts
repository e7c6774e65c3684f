import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { readAudio } from '../../src/engine/audio/index.ts'
import { API_METHODS, IPC_COMMAND, IPC_EVENT, type DulcetApi } from '../../src/protocol/api.ts'
import type { Reply } from '../../src/protocol/commands.ts'
import type { DulcetEvent } from '../../src/protocol/events.ts'
import type { MainApp } from '../../src/main/app.ts'
import { devClips, devData, identityModel, smallTrainSet, tempDir } from './helpers.ts'

// Electron is replaced at its module boundary only; main, preload, dispatcher, JobHost and workers are real.
const fake = await vi.hoisted(async () => (await import('./fakeElectron.ts')).makeFakeElectron())
vi.mock('electron', () => fake.electron)

const { startMain } = await import('../../src/main/app.ts')

describe('Electron main + preload over the protocol', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let main: MainApp
  let api: DulcetApi
  let clip: string
  const events: DulcetEvent[] = []
  const invoke = (request: unknown, url = 'file:///app/index.html'): Promise<Reply> =>
    Promise.resolve(fake.handlers.get(IPC_COMMAND)?.({ senderFrame: { url } }, request) as Promise<Reply>)

  beforeAll(async () => {
    tmp = await tempDir()
    fake.state.userData = join(tmp.dir, 'userData')
    clip = join(devData, 'clean', (await devClips(1))[0])
    const started = await startMain()
    if (!started) throw new Error('main did not start')
    main = started
    await import('../../src/preload/index.ts')
    api = fake.exposed.dulcet as DulcetApi
    api.onEvent((e) => events.push(e))
  })
  afterAll(async () => {
    await main?.shutdown()
    await tmp.cleanup()
  })

  it('opens one locked-down window', () => {
    expect(fake.BrowserWindow.all).toHaveLength(1)
    const win = fake.BrowserWindow.all[0]
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(String(win.options.webPreferences.preload)).toMatch(/preload[/\\]index\.cjs$/)
    expect(win.webContents.openHandler?.()).toEqual({ action: 'deny' })
    const nav = { preventDefault: vi.fn() }
    win.webContents.listeners.get('will-navigate')?.(nav, 'https://example.com/')
    expect(nav.preventDefault).toHaveBeenCalled()
    const answers: Record<string, boolean> = {}
    for (const url of ['https://example.com/x.js', 'file:///app/index.html', 'http://127.0.0.1:9/']) {
      fake.session.onBeforeRequest?.({ url }, (r) => (answers[url] = r.cancel))
    }
    expect(answers).toEqual({ 'https://example.com/x.js': true, 'file:///app/index.html': false, 'http://127.0.0.1:9/': true })
    let headers: Record<string, string[]> = {}
    fake.session.onHeadersReceived?.({ responseHeaders: {} }, (r) => (headers = (r as { responseHeaders: typeof headers }).responseHeaders))
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'self'")
    let granted = true
    fake.session.permissionHandler?.({}, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
  })

  it('preload exposes exactly the DulcetApi as window.dulcet', () => {
    expect(Object.keys(fake.exposed)).toEqual(['dulcet'])
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort())
    for (const m of API_METHODS) expect(typeof api[m]).toBe('function')
  })

  it('answers malformed IPC messages with schema errors and keeps serving', async () => {
    expect(fake.handlers.size).toBe(1)
    const notObject = await invoke('getSettings')
    expect(notObject).toMatchObject({ ok: false, error: { code: 'schema' } })
    expect(await invoke({ command: 'formatDisk', params: {} })).toMatchObject({ ok: false, error: { code: 'unknown-command' } })
    const badType = await invoke({ command: 'setSettings', params: { deviationThreshold: 'high' } })
    expect(badType.ok).toBe(false)
    if (!badType.ok) expect(badType.error.problems?.[0]).toMatch(/^deviationThreshold:/)
    const badEnhance = await invoke({ command: 'enhance', params: { input: 5, output: '' } })
    expect(badEnhance).toMatchObject({ ok: false, error: { code: 'schema' } })
    const foreign = await invoke({ command: 'getSettings', params: {} }, 'https://evil.example/')
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not-allowed' } })
    expect(await invoke({ command: 'getSettings' })).toMatchObject({ ok: true, result: { deviationThreshold: 0.1, outputFormat: 'input' } })
  })

  it('reads only files the user chose; a chosen file comes back as WAV bytes', async () => {
    await expect(api.readAudio({ path: clip })).rejects.toThrow(/not chosen by the user/)
    fake.dialogAnswers.open = [clip]
    expect(await api.openFile({ filter: 'audio' })).toEqual({ paths: [clip] })
    const audio = await api.readAudio({ path: clip })
    expect(new TextDecoder().decode(audio.wav.subarray(0, 4))).toBe('RIFF')
    const decoded = await readAudio(clip)
    expect(audio.frames).toBe(decoded.channels[0].length)
    expect(audio.durationS).toBeCloseTo(decoded.channels[0].length / decoded.sampleRate, 6)
    expect(audio.wav.length).toBe(44 + audio.frames * audio.channels * 2)
  })

  it('reports the host and the backend the engine workers chose', async () => {
    expect(await api.hostInfo()).toMatchObject({ kind: 'electron', nativeDialogs: true })
    expect(['gpu', 'node', 'wasm', 'cpu']).toContain((await api.backendInfo()).backend)
    await expect(api.choosePath({ path: '/etc/passwd', kind: 'file' })).rejects.toThrow(/web host/)
  })

  it('persists settings atomically in userData and tells the renderer', async () => {
    expect(process.env.DULCET_USER_DATA).toBe(fake.state.userData)
    const s = await api.setDefaultThreshold({ threshold: 0.25 })
    expect(s.deviationThreshold).toBe(0.25)
    const file = JSON.parse(await readFile(join(fake.state.userData, 'settings.json'), 'utf8')) as { deviationThreshold: number }
    expect(file.deviationThreshold).toBe(0.25)
    expect(await api.getThreshold()).toEqual({ threshold: 0.25, source: 'default' })
    expect(events.some((e) => e.type === 'settings.changed' && e.settings.deviationThreshold === 0.25)).toBe(true)
    await expect(api.useModel({ modelDir: join(tmp.dir, 'nowhere') })).rejects.toThrow(/not chosen/)
  })

  it('runs an enhancement picked through the dialogs and streams its events to the window', async () => {
    const modelsDir = join(tmp.dir, 'models')
    await mkdir(modelsDir)
    const model = await identityModel(join(modelsDir, 'identity'))
    fake.dialogAnswers.open = [modelsDir]
    expect((await api.openFolder()).path).toBe(modelsDir)
    expect((await api.useModel({ modelDir: model })).modelDir).toBe(model)
    const output = join(tmp.dir, 'out.wav')
    fake.dialogAnswers.save = output
    expect((await api.saveFile({ filter: 'audio' })).path).toBe(output)
    const { jobId } = await api.enhance({ input: clip, output })
    const final = await new Promise<DulcetEvent>((resolve) => {
      const off = api.onEvent((e) => {
        if ('jobId' in e && e.jobId === jobId && (e.type === 'job.done' || e.type === 'job.failed' || e.type === 'job.cancelled')) {
          off()
          resolve(e)
        }
      })
    })
    expect(final.type, JSON.stringify(final)).toBe('job.done')
    if (final.type !== 'job.done' || final.result.kind !== 'enhance') throw new Error('expected an enhance result')
    expect(final.result.result.output).toBe(output)
    const progress = events.filter((e) => e.type === 'job.progress' && e.jobId === jobId)
    expect(progress.at(-1)).toMatchObject({ fraction: 1, etaS: 0 })
    const [inp, out] = await Promise.all([readAudio(clip), readAudio(output)])
    expect(out.channels[0].length).toBe(inp.channels[0].length)
    expect(out.sampleRate).toBe(inp.sampleRate)
    const sentToWindow = fake.BrowserWindow.all[0].webContents.sent.filter(([ch]) => ch === IPC_EVENT).map(([, e]) => (e as DulcetEvent).type)
    expect(sentToWindow).toEqual(expect.arrayContaining(['job.started', 'job.progress', 'job.done']))
    expect((await api.readAudio({ path: output })).frames).toBeGreaterThan(0)
    expect((await api.listJobs()).find((j) => j.jobId === jobId)?.state).toBe('done')
  })

  it('drops: dropped files become readable; the menu reaches the renderer', async () => {
    const other = join(devData, 'clean', (await devClips(2))[1])
    await expect(api.readAudio({ path: other })).rejects.toThrow(/not chosen/)
    expect(await api.dropFiles([{ path: other } as unknown as File])).toEqual({ paths: [other] })
    expect((await api.readAudio({ path: other })).frames).toBeGreaterThan(0)
    const file = fake.state.menuTemplate.find((m) => (m as { label?: string }).label === 'File') as { submenu: Array<{ label?: string; click?: () => void }> }
    file.submenu.find((i) => i.label === 'Open Audio File…')?.click?.()
    expect(events.at(-1)).toEqual({ type: 'menu', action: 'open-file' })
  })

  // Last: it shuts main down.
  it('quitting stops a running training gracefully: final checkpoint and exported model', async () => {
    const data = await smallTrainSet(join(tmp.dir, 'train'), 2)
    fake.dialogAnswers.open = [join(tmp.dir, 'train')]
    await api.openFolder()
    const out = join(tmp.dir, 'train', 'run')
    const { jobId } = await api.train({ ...data, out, preset: 'tiny', steps: 500 })
    await new Promise<void>((resolve) => {
      const off = api.onEvent((e) => {
        if (e.type === 'train.step' && e.jobId === jobId) {
          off()
          resolve()
        }
      })
    })
    await main.shutdown()
    const final = events.find((e) => 'jobId' in e && e.jobId === jobId && e.type.startsWith('job.') && e.type !== 'job.started' && e.type !== 'job.progress' && e.type !== 'job.state')
    if (final?.type !== 'job.done' || final.result.kind !== 'train') throw new Error(`expected a finished training, got ${JSON.stringify(final)}`)
    const { stopped, steps } = final.result
    expect(stopped).toBe(true)
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true)
    expect(events.some((e) => e.type === 'train.checkpoint' && e.jobId === jobId && e.step === steps)).toBe(true)
  })
})
