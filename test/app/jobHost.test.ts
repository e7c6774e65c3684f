import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAudio } from '../../src/engine/audio/index.ts'
import { JobHost } from '../../src/jobhost/jobHost.ts'
import { devClips, devData, identityModel, isEvent, isFinal, recordEvents, smallTrainSet, tempDir } from './helpers.ts'

describe('JobHost', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let model: string
  let clip: string
  const host = new JobHost()

  beforeAll(async () => {
    tmp = await tempDir()
    model = await identityModel(join(tmp.dir, 'model'))
    clip = join(devData, 'clean', (await devClips(1))[0])
  })
  afterAll(async () => {
    await host.dispose()
    await tmp.cleanup()
  })

  it('enhances a file on a worker thread, streaming progress, and writes the output', async () => {
    const rec = recordEvents(host)
    const output = join(tmp.dir, 'enhanced.wav')
    const jobId = host.start({ kind: 'enhance', input: clip, output, options: { model } }, clip)
    const final = await rec.next(isFinal(jobId))
    rec.stop()
    expect(final.type).toBe('job.done')
    expect(rec.events.find(isEvent('job.started', jobId))?.kind).toBe('enhance')
    const progress = rec.events.filter(isEvent('job.progress', jobId))
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)?.fraction).toBe(1)
    if (final.type !== 'job.done' || final.result.kind !== 'enhance') throw new Error('expected an enhance result')
    expect(final.result.result.output).toBe(output)
    const [inp, out] = await Promise.all([readAudio(clip), readAudio(output)])
    expect(out.channels[0].length).toBe(inp.channels[0].length)
    expect(out.sampleRate).toBe(inp.sampleRate)
    expect(host.list().find((j) => j.jobId === jobId)?.state).toBe('done')
  })

  it('cancels a job: reported as cancelled, no output left behind', async () => {
    const rec = recordEvents(host)
    const output = join(tmp.dir, 'cancelled.wav')
    const jobId = host.start({ kind: 'enhance', input: clip, output, options: { model } }, clip)
    host.cancel(jobId)
    const final = await rec.next(isFinal(jobId))
    rec.stop()
    expect(final.type).toBe('job.cancelled')
    expect(existsSync(output)).toBe(false)
    expect(() => host.cancel(jobId)).toThrow(/has ended/)
  })

  it('trains: a live threshold change reaches the trainer, pause/resume, stop checkpoints and exports', async () => {
    const data = await smallTrainSet(join(tmp.dir, 'data'), 3)
    const out = join(tmp.dir, 'run')
    const rec = recordEvents(host)
    const jobId = host.start({ kind: 'train', options: { ...data, out, preset: 'tiny', steps: 400, deviationThreshold: 0.1 } }, out)
    await rec.next(isEvent('train.step', jobId))
    expect(host.threshold(jobId)).toBe(0.1)

    host.setThreshold(jobId, 0.37, 2)
    await rec.next((e): e is Extract<typeof e, { type: 'train.threshold' }> => e.type === 'train.threshold' && e.threshold === 0.37)
    const changed = await rec.next((e): e is Extract<typeof e, { type: 'train.step' }> => e.type === 'train.step' && e.jobId === jobId && e.stats.threshold === 0.37)
    expect(changed.stats.weight).toBe(2)
    expect(host.threshold(jobId)).toBe(0.37)

    host.pause(jobId)
    await rec.next((e): e is Extract<typeof e, { type: 'job.state' }> => e.type === 'job.state' && e.jobId === jobId && e.state === 'paused')
    expect(host.list().find((j) => j.jobId === jobId)?.state).toBe('paused')
    host.resume(jobId)
    await rec.next((e): e is Extract<typeof e, { type: 'job.state' }> => e.type === 'job.state' && e.jobId === jobId && e.state === 'running')

    host.stop(jobId)
    const final = await rec.next(isFinal(jobId))
    rec.stop()
    if (final.type !== 'job.done' || final.result.kind !== 'train') throw new Error(`expected a train result, got ${JSON.stringify(final)}`)
    expect(final.result.stopped).toBe(true)
    expect(final.result.steps).toBeLessThan(400)
    expect(existsSync(join(final.result.modelDir, 'model.json'))).toBe(true)
    expect(rec.events.some(isEvent('train.checkpoint', jobId))).toBe(true)
    const checkpoints = (await host.service.run({ task: 'listCheckpoints', run: out })) as Array<{ step: number }>
    expect(checkpoints.at(-1)?.step).toBe(final.result.steps)
  })

  it('reports a crashed worker as a failed job and keeps working', async () => {
    // A worker over its memory limit is killed by V8: the same thing as a job running out of memory.
    const small = new JobHost({ resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } })
    const rec = recordEvents(small)
    try {
      const jobId = small.start({ kind: 'enhance', input: clip, output: join(tmp.dir, 'oom.wav'), options: { model } }, clip)
      const final = await rec.next(isFinal(jobId))
      expect(final.type).toBe('job.failed')
      if (final.type === 'job.failed') expect(final.error.name).toBe('WorkerCrash')
      expect(small.list()[0].state).toBe('failed')
      expect(existsSync(join(tmp.dir, 'oom.wav'))).toBe(false)
      // The host still serves: short tasks and new jobs run.
      const info = (await small.service.run({ task: 'backendInfo' })) as { backend: string }
      expect(['gpu', 'node', 'wasm', 'cpu']).toContain(info.backend)
    } finally {
      rec.stop()
      await small.dispose()
    }
  })
})
