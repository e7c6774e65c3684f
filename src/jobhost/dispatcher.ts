import type { z } from 'zod'
import { COMMANDS, RequestSchema, isCommandName, issueLines, type CommandName, type CommandResult, type Commands, type Reply } from '../protocol/commands.ts'
import type { ErrorInfo } from '../protocol/schemas.ts'
import { toErrorInfo } from './errorInfo.ts'
import { createHandlers, type HandlerDeps } from './handlers.ts'
import { JobNotFoundError } from './jobHost.ts'
import { TaskError } from './serviceWorker.ts'

/** A refused command: the UI asked for something it may not have (a file the user did not choose, a dialog the host lacks). */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorInfo['code'],
    message: string,
    readonly file?: string
  ) {
    super(message)
    this.name = 'CommandError'
  }
}

export type Handlers = { [K in CommandName]: (params: z.output<Commands[K]['params']>) => Promise<CommandResult<K>> }

export type Dispatcher = (request: unknown) => Promise<Reply>

function fail(id: number | undefined, error: ErrorInfo): Reply {
  return { ...(id !== undefined ? { id } : {}), ok: false, error }
}

function errorOf(e: unknown): ErrorInfo {
  if (e instanceof CommandError) return { code: e.code, message: e.message, ...(e.file ? { file: e.file } : {}) }
  if (e instanceof TaskError) return e.info
  if (e instanceof JobNotFoundError) return { code: 'not-found', name: e.name, message: e.message }
  return toErrorInfo(e)
}

/**
 * The one command handler both hosts use (Electron IPC and the WebSocket host): validates the request and
 * its params against the protocol, runs the command, validates the result, and always answers with a Reply.
 */
export function createDispatcher(deps: HandlerDeps): Dispatcher {
  const handlers: Handlers = createHandlers(deps)
  return async (request: unknown): Promise<Reply> => {
    const req = RequestSchema.safeParse(request)
    if (!req.success) {
      return fail(undefined, { code: 'schema', message: 'a request is {id?, command, params}', problems: issueLines(req.error) })
    }
    const { id, command } = req.data
    if (!isCommandName(command)) return fail(id, { code: 'unknown-command', message: `unknown command "${command}"` })
    const params = COMMANDS[command].params.safeParse(req.data.params ?? {})
    if (!params.success) {
      const problems = issueLines(params.error)
      return fail(id, { code: 'schema', message: `bad params for ${command}: ${problems.join('; ')}`, problems })
    }
    let result: unknown
    try {
      result = await (handlers[command] as (p: unknown) => Promise<unknown>)(params.data)
    } catch (e) {
      return fail(id, errorOf(e))
    }
    const checked = COMMANDS[command].result.safeParse(result)
    if (!checked.success) {
      const problems = issueLines(checked.error)
      console.error(`dulcet: ${command} produced a result outside the protocol: ${problems.join('; ')}`)
      return fail(id, { code: 'failed', message: `${command} failed: internal result did not match the protocol`, problems })
    }
    return { ...(id !== undefined ? { id } : {}), ok: true, result: checked.data }
  }
}
