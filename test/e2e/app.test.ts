// The whole app in a real browser: the built renderer served by the real web host (`dulcet web`), driven with
// Debian Chromium through playwright-core. Enhance, train and batch run through the real engine.
// Needs the renderer build (out/renderer; `npm test` builds first) and /usr/bin/chromium.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startWebHost, type WebHost } from './webHost.ts'
import { canvasInk } from './helpers.ts'

const repo = resolve(import.meta.dirname, '../..')
const devData = resolve(repo, '../shared/data/speech-dev')
const shots = resolve(repo, 'test-artifacts/screenshots')
const defaultModel = resolve(repo, 'resources/models/default')

let tmp: string
let host: WebHost
let browser: Browser
let page: Page
let clips: string[]
/** Uncaught page errors, console errors and CSP violations: the app must produce none. */
const pageProblems: string[] = []

/** The shortest dev clips (by file size), so every engine step stays small. */
async function shortestClips(n: number): Promise<string[]> {
  const dir = join(devData, 'gl32')
  const names = (await readdir(dir)).filter((f) => f.endsWith('.wav'))
  const sized = await Promise.all(names.map(async (f) => ({ f, size: (await stat(join(dir, f))).size })))
  return sized.sort((a, b) => a.size - b.size || a.f.localeCompare(b.f)).slice(0, n).map((x) => x.f)
}

/** A full-page screenshot from the top (the navigation is sticky, so it is taken unscrolled). */
async function shot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

async function typePath(testid: string, path: string): Promise<void> {
  const field = page.getByTestId(testid)
  await field.fill(path)
  await field.press('Enter')
}

beforeAll(async () => {
  if (!existsSync(join(repo, 'out/renderer/index.html'))) throw new Error('out/renderer is missing: run `npm run build` first')
  tmp = await mkdtemp(join(tmpdir(), 'dulcet-e2e-'))
  await mkdir(shots, { recursive: true })
  clips = await shortestClips(3)
  for (const sub of ['synthetic', 'real', 'batch-in']) await mkdir(join(tmp, sub))
  for (const c of clips) {
    await copyFile(join(devData, 'gl32', c), join(tmp, 'synthetic', c))
    await copyFile(join(devData, 'clean', c), join(tmp, 'real', c))
  }
  await copyFile(join(devData, 'gl32', clips[0]), join(tmp, 'batch-in', 'a.wav'))
  await copyFile(join(devData, 'opus6k', clips[1]), join(tmp, 'batch-in', 'b.wav'))
  await writeFile(join(tmp, 'batch-in', 'corrupt.wav'), 'this is a text file, not audio\n')
  // The views enhance with the bundled default model unless told otherwise: it must be there.
  expect(existsSync(join(defaultModel, 'model.json'))).toBe(true)

  host = await startWebHost(repo, join(tmp, 'settings.json'), { DULCET_USER_DATA: join(tmp, 'userdata') })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
  // Generous waits: on a busy 2-core CI machine the engine workers start slowly. Waits end on app flags, not time.
  page.setDefaultTimeout(60_000)
  page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) pageProblems.push(`console ${m.type()}: ${m.text()}`)
  })
  await page.goto(host.url)
  await page.getByTestId('nav-enhance').waitFor()
})

afterAll(async () => {
  await browser?.close()
  await host?.stop()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

describe('Dulcet in the browser', () => {
  it('enhances a dev clip and draws before and after', async () => {
    const clipPath = `../shared/data/speech-dev/gl32/${clips[0]}`
    await typePath('input-path', resolve(repo, clipPath))
    const before = page.locator('[data-testid="audio-before"][data-ready="true"][data-spectrogram-ready="true"]')
    await before.waitFor({ timeout: 90_000 })

    await typePath('output-path', join(tmp, 'enhanced', `${clips[0]}`))
    await page.getByTestId('enhance').click()
    const after = page.locator('[data-testid="audio-after"][data-ready="true"][data-spectrogram-ready="true"]')
    await after.waitFor({ timeout: 90_000 })
    await shot('enhance')

    for (const side of ['before', 'after']) {
      const ink = await canvasInk(page, side)
      expect(ink.waveform, `${side} waveform pixels`).toBeGreaterThan(0.01)
      expect(ink.spectrogram, `${side} spectrogram pixels`).toBeGreaterThan(0.2)
      expect(ink.spectrogramColours, `${side} spectrogram colours`).toBeGreaterThan(20)
    }
    const hashBefore = await page.getByTestId('audio-before').getAttribute('data-hash')
    const hashAfter = await page.getByTestId('audio-after').getAttribute('data-hash')
    expect(hashBefore).toMatch(/^[0-9a-f]{8}$/)
    expect(hashAfter).toMatch(/^[0-9a-f]{8}$/)
    expect(hashAfter).not.toBe(hashBefore)
    expect(existsSync(join(tmp, 'enhanced', clips[0]))).toBe(true)
    expect((await page.getByTestId('enhance-status').textContent()) ?? '').toContain('default model')
    expect((await page.getByTestId('enhance-status').textContent()) ?? '').toContain('full-band input') // Griffin-Lim keeps the high band

    // Mel scale and another colour map: both views redraw with them.
    await page.getByTestId('freq-scale').selectOption('mel')
    await page.getByTestId('colormap').selectOption('inferno')
    for (const side of ['before', 'after']) {
      await page.locator(`[data-testid="audio-${side}"][data-spectrogram="mel/inferno"][data-spectrogram-ready="true"]`).waitFor()
      expect((await canvasInk(page, side)).spectrogramColours).toBeGreaterThan(20)
    }
    await shot('enhance-mel-inferno')
    await page.getByTestId('freq-scale').selectOption('logarithmic')
    await page.getByTestId('colormap').selectOption('magma')

    // Zoom applies to both; scrolling one scrolls the other to the same place.
    await page.getByTestId('zoom').fill('2000')
    await page.waitForFunction(() => {
      const sc = ['before', 'after'].map((s) => document.querySelector(`[data-testid="audio-${s}"] .view`)?.firstElementChild?.shadowRoot?.querySelector('.scroll'))
      return sc.every((e) => e && e.scrollWidth > e.clientWidth * 1.5) && sc[0]?.scrollWidth === sc[1]?.scrollWidth
    })
    await page.evaluate(() => {
      const sc = document.querySelector('[data-testid="audio-before"] .view')?.firstElementChild?.shadowRoot?.querySelector('.scroll')
      if (sc) sc.scrollLeft = 300
    })
    await page.waitForFunction(() => {
      const sc = document.querySelector('[data-testid="audio-after"] .view')?.firstElementChild?.shadowRoot?.querySelector('.scroll')
      return sc !== null && sc !== undefined && Math.abs(sc.scrollLeft - 300) <= 2
    })
    // zoomed in, the spectrograms are drawn again at the new scale
    for (const side of ['before', 'after']) {
      await page.locator(`[data-testid="audio-${side}"][data-ready="true"][data-spectrogram-ready="true"]`).waitFor({ timeout: 30_000 })
      const ink = await canvasInk(page, side)
      expect(ink.spectrogram, `${side} zoomed spectrogram pixels`).toBeGreaterThan(0.2)
    }
    await shot('enhance-zoomed')
    await page.getByTestId('zoom').fill('0')

    // A/B: play the after side, switch to before mid-play; the playhead carries on from the same place.
    const transport = page.getByTestId('transport')
    await page.getByTestId('play').click()
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="transport"]')?.getAttribute('data-time')) > 0.2)
    await page.getByTestId('ab-before').click()
    expect(await transport.getAttribute('data-active')).toBe('before')
    expect(Number(await transport.getAttribute('data-switch-offset'))).toBeLessThan(0.05)
    const atSwitch = Number(await transport.getAttribute('data-time'))
    await page.waitForFunction((t) => Number(document.querySelector('[data-testid="transport"]')?.getAttribute('data-time')) > t + 0.1, atSwitch)
    await page.getByTestId('play').click()
    expect(await transport.getAttribute('data-playing')).toBe('false')
    // the paused side draws its last position on its final timeupdate, a moment after the click: wait for it
    const cursorLefts = () =>
      ['before', 'after'].map((s) => {
        const root = document.querySelector(`[data-testid="audio-${s}"] .view`)?.firstElementChild?.shadowRoot
        const cursor = root?.querySelector('.cursor') as HTMLElement | null | undefined
        return cursor ? cursor.getBoundingClientRect().left : NaN
      })
    await expect
      .poll(async () => {
        const [before, after] = await page.evaluate(cursorLefts)
        return Math.abs(before - after)
      }, { timeout: 5_000, message: 'before and after cursors after pausing' })
      .toBeLessThan(3)

    // Save as…: the web host has no native dialog, so the in-app browser picks the place; it renders there.
    await page.getByTestId('save').click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('File name').fill('saved-copy.wav')
    await dialog.getByRole('button', { name: 'Save here' }).click()
    await page.getByTestId('enhance-status').filter({ hasText: 'Saved' }).waitFor({ timeout: 60_000 })
    expect((await page.getByTestId('enhance-status').textContent()) ?? '').toContain('saved-copy.wav')
    expect(await page.getByTestId('enhance-error').count()).toBe(0)
  })

  it('trains with the tiny preset: progress, a checkpoint, and a live threshold change', async () => {
    await page.getByTestId('nav-train').click()
    await typePath('train-synthetic', join(tmp, 'synthetic'))
    await typePath('train-real', join(tmp, 'real'))
    await typePath('train-out', join(tmp, 'run'))
    await page.getByTestId('preset-tiny').click()
    // far more steps than the test needs: the run is still going when Stop is pressed, however fast the machine
    await page.getByTestId('opt-steps').fill('1000')
    await page.getByTestId('opt-steps').press('Tab')
    await page.getByTestId('threshold-input').fill('0.1')
    await page.getByTestId('train-start').click()

    // The first step arrives, then pause so the threshold change lands between two known steps.
    await page.locator('[data-testid="step-row"]').first().waitFor({ timeout: 90_000 })
    await page.getByTestId('train-pause').click()
    await page.locator('[data-testid="train-run"][data-state="paused"]').waitFor({ timeout: 60_000 })
    const lastBefore = Number(await page.locator('[data-testid="step-row"]').first().getAttribute('data-step'))
    expect(await page.locator('[data-testid="step-row"]').first().getAttribute('data-threshold')).toBe('0.1')

    await page.getByTestId('threshold-input').fill('0.37')
    await page.getByTestId('threshold-apply').click()
    await page.getByTestId('train-resume').click()
    const changed = page.locator('[data-testid="step-row"][data-threshold="0.37"]')
    await changed.first().waitFor({ timeout: 60_000 })
    const firstChanged = Math.min(...(await changed.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-step'))))))
    expect(firstChanged).toBe(lastBefore + 1)
    expect(Number(await page.getByTestId('train-progress').getAttribute('data-fraction'))).toBeGreaterThan(0)

    // A checkpoint lands; it is heard on the reference clip (exported and enhanced with it).
    const checkpoint = page.locator('[data-testid="checkpoint-row"]').first()
    await checkpoint.waitFor({ timeout: 90_000 })
    const step = await checkpoint.getAttribute('data-step')
    await checkpoint.getByTestId('checkpoint-preview').click()
    await page.locator(`[data-testid="checkpoint-audio"][data-step="${step}"]`).waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('train-charts').getAttribute('data-points')).not.toBe('0')
    await shot('train')
    await page.getByTestId('train-stop').click()
    await page.getByTestId('train-done').waitFor({ timeout: 90_000 })
    await shot('train-done')
  })

  it('runs a batch with a corrupt file: two done, one failed with its error', async () => {
    await page.getByTestId('nav-batch').click()
    await typePath('batch-in', join(tmp, 'batch-in'))
    await typePath('batch-out', join(tmp, 'batch-out'))
    await page.getByTestId('batch-start').click()
    const report = page.getByTestId('batch-report')
    await report.waitFor({ timeout: 120_000 })
    await shot('batch')
    expect(await report.getAttribute('data-state'), (await report.textContent()) ?? '').toBe('done')
    expect(await page.locator('[data-testid="batch-row"][data-status="done"]').count()).toBe(2)
    const failed = page.locator('[data-testid="batch-row"][data-status="failed"]')
    expect(await failed.count()).toBe(1)
    expect(await failed.getAttribute('data-file')).toBe('corrupt.wav')
    // each done file says what the bundled model found: Griffin-Lim full-band, Opus 6 kbit/s band-limited
    expect(await page.locator('[data-testid="batch-row"][data-file="a.wav"]').textContent()).toContain('full-band')
    expect(await page.locator('[data-testid="batch-row"][data-file="b.wav"]').textContent()).toContain('band-limited')
    expect((await failed.locator('td').last().textContent())?.trim().length).toBeGreaterThan(5)
    expect(await page.getByTestId('batch-report-path').first().textContent()).toContain('dulcet-batch-report')
    expect(existsSync(join(tmp, 'batch-out', 'a.wav'))).toBe(true)
    expect(existsSync(join(tmp, 'batch-out', 'corrupt.wav'))).toBe(false)
  })

  it('shows the backend and settings', async () => {
    await page.getByTestId('nav-settings').click()
    const backend = page.getByTestId('backend-name')
    await backend.waitFor()
    expect((await backend.textContent())?.trim()).toMatch(/GPU|Native CPU|WebAssembly|JavaScript/)
    await shot('settings')

    // Back to Enhance: the views stay mounted, so the clips are still drawn after the round trip.
    await page.getByTestId('nav-enhance').click()
    await page.locator('[data-testid="audio-after"][data-ready="true"]').waitFor()
    const ink = await canvasInk(page, 'after')
    expect(ink.waveform).toBeGreaterThan(0.01)
    expect(ink.spectrogram).toBeGreaterThan(0.2)
    await shot('enhance-revisited')
  })

  it('ran without page errors, console errors or CSP violations', () => {
    expect(pageProblems).toEqual([])
  })

  it('says so when the web host stops, and how to get back', async () => {
    await host.stop()
    const banner = page.getByTestId('connection-lost')
    await banner.waitFor({ timeout: 15_000 })
    expect(await banner.textContent()).toContain('npm run web')
    await shot('connection-lost')
  })
})
