// Spectrogram colour maps as the wavesurfer Spectrogram plugin wants them: 256 entries of [r, g, b, a] in 0..1.
// Generated from the published anchor colours of matplotlib's perceptually uniform maps (11 stops each),
// interpolated linearly: close enough to the originals for display, and what audio tools (RX, Audition) look like.

const ANCHORS = {
  magma: ['#000004', '#140e36', '#3b0f70', '#641a80', '#8c2981', '#b73779', '#de4968', '#f7705c', '#fe9f6d', '#fecf92', '#fcfdbf'],
  inferno: ['#000004', '#160b39', '#420a68', '#6a176e', '#932667', '#bc3754', '#dd513a', '#f37819', '#fca50a', '#f6d746', '#fcffa4'],
  viridis: ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725']
} as const

export type ColorMapName = keyof typeof ANCHORS
export const COLOR_MAP_NAMES = Object.keys(ANCHORS) as ColorMapName[]

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16)
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255]
}

export function colorMap(name: ColorMapName, size = 256): number[][] {
  const stops = ANCHORS[name].map(hexToRgb)
  const out: number[][] = []
  for (let i = 0; i < size; i++) {
    const t = (i / (size - 1)) * (stops.length - 1)
    const k = Math.min(Math.floor(t), stops.length - 2)
    const f = t - k
    const a = stops[k]
    const b = stops[k + 1]
    out.push([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f, 1])
  }
  return out
}

/** CSS gradient of the same map, for legends. */
export function colorMapCss(name: ColorMapName): string {
  return `linear-gradient(to right, ${ANCHORS[name].join(', ')})`
}
