// Keeps the "before" and "after" views in lock-step: zoom, scroll and cursor, and A/B playback.
// A/B works by playing both media elements together with the inactive one muted, so switching is
// instant and lands on the same position (drift beyond DRIFT_S is corrected at the switch).
import type WaveSurfer from 'wavesurfer.js'

export type Side = 'before' | 'after'
const DRIFT_S = 0.03

export class ABSync {
  active = $state<Side>('after')
  playing = $state(false)
  time = $state(0)
  duration = $state(0)
  pxPerSec = $state(0)
  /** Seconds between the two playheads at the last A/B switch, after correction (what the listener hears as a jump). */
  switchOffset = $state<number | null>(null)
  private views: Partial<Record<Side, WaveSurfer>> = {}
  private cleanups: Partial<Record<Side, Array<() => void>>> = {}
  private mirroring = false

  attach(side: Side, ws: WaveSurfer): void {
    this.detach(side)
    this.views[side] = ws
    const other = (): WaveSurfer | undefined => this.views[side === 'before' ? 'after' : 'before']
    const mirror = (fn: (o: WaveSurfer) => void): void => {
      const o = other()
      if (!o || this.mirroring) return
      this.mirroring = true
      try {
        fn(o)
      } finally {
        this.mirroring = false
      }
    }
    this.cleanups[side] = [
      ws.on('ready', (d) => {
        this.duration = Math.max(this.duration, d)
        if (this.pxPerSec > 0) ws.zoom(this.pxPerSec)
        ws.setMuted(side !== this.active)
        const o = other()
        if (o) ws.setTime(o.getCurrentTime())
      }),
      ws.on('interaction', (t) => mirror((o) => o.setTime(t))),
      ws.on('scroll', (start) => mirror((o) => o.setScrollTime(start))),
      ws.on('timeupdate', (t) => {
        if (side !== this.active) return
        this.time = t
        // Keep the muted side on the audible one's playhead so an A/B switch never jumps.
        const o = other()
        if (this.playing && o && Math.abs(o.getCurrentTime() - t) > 2 * DRIFT_S) mirror((x) => x.setTime(t))
      }),
      ws.on('finish', () => {
        if (side === this.active) this.playing = false
      })
    ]
  }

  detach(side: Side): void {
    for (const off of this.cleanups[side] ?? []) off()
    delete this.cleanups[side]
    delete this.views[side]
    if (!this.views.before && !this.views.after) this.playing = false
  }

  private all(): WaveSurfer[] {
    return [this.views.before, this.views.after].filter((w): w is WaveSurfer => w !== undefined)
  }

  async play(): Promise<void> {
    const list = this.all()
    if (list.length === 0) return
    const lead = this.views[this.active] ?? list[0]
    const t = lead.getCurrentTime()
    for (const ws of list) {
      if (Math.abs(ws.getCurrentTime() - t) > DRIFT_S) ws.setTime(t)
      ws.setMuted(ws !== lead)
    }
    this.playing = true
    await Promise.all(list.map((ws) => ws.play()))
  }

  pause(): void {
    for (const ws of this.all()) ws.pause()
    this.playing = false
    const lead = this.views[this.active]
    if (lead) for (const ws of this.all()) if (ws !== lead) ws.setTime(lead.getCurrentTime())
  }

  async togglePlay(): Promise<void> {
    if (this.playing) this.pause()
    else await this.play()
  }

  /** Switch what is heard (A/B) without moving the playhead. */
  setActive(side: Side): void {
    const from = this.views[this.active]
    const to = this.views[side]
    this.active = side
    if (!to) return
    if (from && from !== to) {
      const t = from.getCurrentTime()
      if (Math.abs(to.getCurrentTime() - t) > DRIFT_S) to.setTime(t)
      this.switchOffset = Math.abs(to.getCurrentTime() - t)
      from.setMuted(true)
    }
    to.setMuted(false)
  }

  toggleActive(): void {
    this.setActive(this.active === 'before' ? 'after' : 'before')
  }

  zoom(pxPerSec: number): void {
    this.pxPerSec = pxPerSec
    for (const ws of this.all()) if (ws.getDuration() > 0) ws.zoom(pxPerSec)
  }

  seek(t: number): void {
    for (const ws of this.all()) ws.setTime(t)
    this.time = t
  }
}
