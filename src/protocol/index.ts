// The one contract between any UI and the engine. See ARCHITECTURE.md ("protocol").
export * from './schemas.ts'
export * from './commands.ts'
export * from './events.ts'
export * from './api.ts'
