/** An error about one user file: always names the file and says what is wrong with it in plain words. */
export class AudioFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string
  ) {
    super(`${file}: ${problem}`)
    this.name = 'AudioFileError'
  }
}

/** A configuration that failed validation; `problems` lists every bad field, one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

/** A model folder that is missing, corrupt or of the wrong format. */
export class ModelError extends Error {
  constructor(
    readonly dir: string,
    readonly problem: string
  ) {
    super(`${dir}: ${problem}`)
    this.name = 'ModelError'
  }
}

/** Thrown when a job is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled')
    this.name = 'CancelledError'
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError()
}
