import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  it('reports a crashed worker as a failed job and keeps working', async () => {
    // A worker over its memory limit is killed by V8: the same thing as a job running out of memory.
    const rec = recordEvents(host)
    const output = join(tmp.dir, 'oom.wav')
    const jobId = host.start({ kind: 'enhance', input: clip, output, options: { model } }, clip, { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 })
    const final = await rec.next(isFinal(jobId))
    rec.stop()
    expect(final.type).toBe('job.failed')
    if (final.type === 'job.failed') expect(final.error.name).toBe('WorkerCrash')
    expect(host.list().find((j) => j.jobId === jobId)?.state).toBe('failed')
    expect(existsSync(output)).toBe(false)
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

  it('trains (after the crash above: the host still works): live threshold, pause/resume, stop checkpoints and exports', async () => {
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
})
