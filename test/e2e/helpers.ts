import type { Page } from 'playwright-core'

export interface CanvasInk {
  /** Fraction of waveform pixels that are drawn (not transparent). */
  waveform: number
  /** Fraction of spectrogram pixels brighter than the colour map's floor. */
  spectrogram: number
  /** Distinct (quantised) colours in the spectrogram: a drawn map has many, a blank fill has one. */
  spectrogramColours: number
}

/** Reads back the pixels of one panel's canvases (waveform and spectrogram live in wavesurfer's shadow DOM). */
export function canvasInk(page: Page, side: string): Promise<CanvasInk> {
  return page.evaluate((side) => {
    const panel = document.querySelector(`[data-testid="audio-${side}"] .view`)
    const root = panel?.firstElementChild?.shadowRoot
    if (!root) throw new Error(`no wavesurfer in the ${side} panel`)
    const all = [...root.querySelectorAll('canvas')]
    const wave = all.filter((c) => c.closest('.canvases'))
    const spec = all.filter((c) => !c.closest('.canvases') && c.getAttribute('part') !== 'spec-labels')
    const read = (cs: HTMLCanvasElement[]): Uint8ClampedArray[] =>
      cs.filter((c) => c.width > 0 && c.height > 0).map((c) => (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data)
    let drawn = 0
    let total = 0
    for (const d of read(wave)) {
      for (let i = 3; i < d.length; i += 4) {
        total++
        if (d[i] > 0) drawn++
      }
    }
    const waveform = total ? drawn / total : 0
    let bright = 0
    let pixels = 0
    const colours = new Set<number>()
    for (const d of read(spec)) {
      for (let i = 0; i < d.length; i += 4) {
        pixels++
        if (d[i] + d[i + 1] + d[i + 2] > 60) bright++
        colours.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4))
      }
    }
    return { waveform, spectrogram: pixels ? bright / pixels : 0, spectrogramColours: colours.size }
  }, side)
}
