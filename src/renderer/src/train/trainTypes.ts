import type { PartialMetrics } from '../../../protocol/schemas.ts'

export interface CheckpointItem { step: number; path: string; validation?: PartialMetrics; best: boolean }
