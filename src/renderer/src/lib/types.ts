export type PickKind = 'file' | 'folder' | 'save'
export type FrequencyScale = 'logarithmic' | 'mel' | 'linear'
