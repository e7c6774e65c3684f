// Every trainer option the Train view offers, where it lives in the TrainConfig JSON, and its engine default
// (shown until a preset or the user sets it). Only fields the user changed are sent, laid over the preset.

export type FieldKind = 'number' | 'int' | 'bool' | 'select' | 'optionalNumber'
export interface Field {
  path: string[]
  label: string
  kind: FieldKind
  def: number | boolean | string | null
  options?: Array<{ value: string; label: string }>
  min?: number
  max?: number
  step?: number
  hint?: string
}
export interface FieldGroup { title: string; note?: string; fields: Field[] }

export const FIELD_GROUPS: FieldGroup[] = [
  {
    title: 'Run',
    fields: [
      { path: ['steps'], label: 'Steps', kind: 'int', def: 20000, min: 1, step: 100 },
      { path: ['batchSize'], label: 'Batch size', kind: 'int', def: 8, min: 1, max: 256 },
      { path: ['segmentSeconds'], label: 'Segment (s)', kind: 'number', def: 1, min: 0.05, max: 30, step: 0.05 },
      { path: ['checkpointEvery'], label: 'Checkpoint every', kind: 'int', def: 1000, min: 1 },
      { path: ['logEvery'], label: 'Log every', kind: 'int', def: 10, min: 1 }
    ]
  },
  {
    title: 'Loss',
    fields: [
      {
        path: ['gan', 'loss'], label: 'Adversarial loss', kind: 'select', def: 'wasserstein',
        options: [{ value: 'wasserstein', label: 'Wasserstein' }, { value: 'bce', label: 'BCE (non-saturating)' }, { value: 'hinge', label: 'Hinge' }]
      },
      { path: ['gan', 'reconstruction', 'weight'], label: 'Reconstruction weight (λ)', kind: 'number', def: 10, min: 0, step: 0.5 },
      { path: ['gan', 'pairedWeight'], label: 'Paired spectral weight', kind: 'number', def: 0, min: 0, step: 0.5 },
      {
        path: ['gan', 'pairedMelWeight'], label: 'Paired mel weight', kind: 'number', def: 0, min: 0, step: 10,
        hint: 'mel-envelope distance to the paired recording, relative to the input (the bundled model used 600)'
      },
      {
        path: ['gan', 'adversarialWeight'], label: 'Adversarial weight', kind: 'number', def: 1, min: 0, step: 0.1,
        hint: 'how much the generator follows the critic; 0 fine-tunes on the other terms alone (the critic still trains)'
      }
    ]
  },
  {
    title: 'Critic regularisation',
    fields: [
      { path: ['gan', 'regularization', 'spectralNorm'], label: 'Spectral norm', kind: 'bool', def: true },
      { path: ['gan', 'regularization', 'weightClip'], label: 'Weight clip', kind: 'optionalNumber', def: null, min: 0.0001, step: 0.005, hint: '0.01 is the classic WGAN value' },
      { path: ['gan', 'regularization', 'gradientPenalty'], label: 'Gradient penalty weight', kind: 'number', def: 0, min: 0, step: 1 },
      { path: ['gan', 'regularization', 'l2G'], label: 'L2 weight decay (G)', kind: 'number', def: 0, min: 0, step: 0.0001 },
      { path: ['gan', 'regularization', 'l2D'], label: 'L2 weight decay (D)', kind: 'number', def: 0, min: 0, step: 0.0001 }
    ]
  },
  {
    title: 'Networks',
    fields: [
      { path: ['gan', 'generator', 'blocks'], label: 'Generator depth (residual blocks)', kind: 'int', def: 16, min: 0, max: 512, hint: 'conv layers = 2 × blocks + 2' },
      { path: ['gan', 'generator', 'channels'], label: 'Generator width (channels)', kind: 'int', def: 32, min: 1, max: 1024 },
      { path: ['gan', 'critic', 'layers'], label: 'Critic depth (hidden layers)', kind: 'int', def: 8, min: 1, max: 512, hint: 'conv layers per branch = layers + 2' },
      { path: ['gan', 'critic', 'channels'], label: 'Critic width (channels)', kind: 'int', def: 32, min: 1, max: 1024 },
      {
        path: ['gan', 'critic', 'kind'], label: 'Critic kind', kind: 'select', def: 'spectral',
        options: [{ value: 'spectral', label: 'Multi-resolution spectral' }, { value: 'waveform', label: 'Multi-scale waveform' }, { value: 'both', label: 'Both' }]
      }
    ]
  },
  {
    title: 'Deep-plateau mitigations',
    note: '“FARGAN replay” is Dulcet’s replay technique (the generated sample the critic scored highest joins the next real batch), not the FARGAN vocoder of Valin et al.',
    fields: [
      { path: ['gan', 'incrementalCritic', 'enabled'], label: 'Incremental critic', kind: 'bool', def: false },
      { path: ['gan', 'incrementalCritic', 'startLayers'], label: 'Start with layers', kind: 'int', def: 2, min: 1 },
      { path: ['gan', 'incrementalCritic', 'addEvery'], label: 'Add a layer every (steps)', kind: 'int', def: 500, min: 1 },
      { path: ['gan', 'incrementalCritic', 'fadeSteps'], label: 'Fade-in steps', kind: 'int', def: 200, min: 0 },
      { path: ['gan', 'farganReplay', 'enabled'], label: 'FARGAN replay (replay technique)', kind: 'bool', def: false },
      { path: ['gan', 'farganReplay', 'fraction'], label: 'Replay fraction', kind: 'number', def: 0.125, min: 0.001, max: 1, step: 0.025 }
    ]
  },
  {
    title: 'Optimiser',
    fields: [
      { path: ['gan', 'optimizer', 'lrG'], label: 'Learning rate G', kind: 'number', def: 1e-4, min: 0, step: 0.00001 },
      { path: ['gan', 'optimizer', 'lrD'], label: 'Learning rate D', kind: 'number', def: 2e-4, min: 0, step: 0.00001 },
      { path: ['gan', 'optimizer', 'criticSteps'], label: 'Critic steps per G step', kind: 'int', def: 1, min: 1, max: 100 }
    ]
  }
]

export const ALL_FIELDS: Field[] = FIELD_GROUPS.flatMap((g) => g.fields)
export const fieldKey = (f: Field): string => f.path.join('.')

export type FieldValue = number | boolean | string | null

function getAt(obj: unknown, path: string[]): unknown {
  let cur = obj
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || !(k in cur)) return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

/** The value each field has under a preset (engine default where the preset is silent). */
export function presetValues(preset: Record<string, unknown> | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {}
  for (const f of ALL_FIELDS) {
    const v = getAt(preset, f.path)
    out[fieldKey(f)] = v === undefined ? f.def : (v as FieldValue)
  }
  return out
}

/** The partial TrainConfig of the fields the user changed. */
export function buildConfig(values: Record<string, FieldValue>, touched: Set<string>): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const f of ALL_FIELDS) {
    const key = fieldKey(f)
    if (!touched.has(key)) continue
    let cur = config
    for (const k of f.path.slice(0, -1)) {
      cur[k] ??= {}
      cur = cur[k] as Record<string, unknown>
    }
    cur[f.path[f.path.length - 1]] = values[key]
  }
  return config
}
