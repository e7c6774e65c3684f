import { z } from 'zod'
import {
  BatchFileStatusSchema,
  ErrorInfoSchema,
  JobKindSchema,
  JobResultSchema,
  JobStateSchema,
  PartialMetricsSchema,
  SettingsSchema,
  StepMetricsSchema,
  TrainEventSchema
} from './schemas.ts'

const jobId = z.string()

/** Everything the host pushes to the UI. Job events carry the jobId the start command returned. */
export const DulcetEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.started'), jobId, kind: JobKindSchema, label: z.string() }),
  /** Overall progress: fraction 0..1, estimated seconds left (null while unknown). */
  z.object({
    type: z.literal('job.progress'),
    jobId,
    fraction: z.number(),
    etaS: z.number().nullable(),
    message: z.string().optional()
  }),
  /** running / paused / stopping (training); final states come as job.done / job.failed / job.cancelled. */
  z.object({ type: z.literal('job.state'), jobId, state: JobStateSchema }),
  z.object({ type: z.literal('batch.file'), jobId, file: BatchFileStatusSchema }),
  z.object({ type: z.literal('train.step'), jobId, stats: StepMetricsSchema }),
  /** Diagnostics (with advice) and info lines from the trainer. */
  z.object({ type: z.literal('train.event'), jobId, event: TrainEventSchema }),
  z.object({
    type: z.literal('train.checkpoint'),
    jobId,
    step: z.number(),
    path: z.string(),
    validation: PartialMetricsSchema.optional(),
    best: z.boolean()
  }),
  /** The live threshold/weight the trainer will use from its next step. */
  z.object({ type: z.literal('train.threshold'), jobId, threshold: z.number(), weight: z.number().optional() }),
  z.object({ type: z.literal('job.done'), jobId, result: JobResultSchema }),
  z.object({ type: z.literal('job.failed'), jobId, error: ErrorInfoSchema }),
  z.object({ type: z.literal('job.cancelled'), jobId }),
  z.object({ type: z.literal('settings.changed'), settings: SettingsSchema }),
  /** An application-menu item the renderer acts on (Electron). */
  z.object({
    type: z.literal('menu'),
    action: z.enum(['open-file', 'open-folder', 'view-enhance', 'view-batch', 'view-train', 'view-settings'])
  })
])
export type DulcetEvent = z.infer<typeof DulcetEventSchema>
export type DulcetEventType = DulcetEvent['type']
export type MenuAction = Extract<DulcetEvent, { type: 'menu' }>['action']

/** An event on the wire (WebSocket): distinguishes it from command replies. */
export interface EventMessage {
  event: DulcetEvent
}
