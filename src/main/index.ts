import { startMain } from './app.ts'

startMain().catch((e: unknown) => {
  console.error('Dulcet failed to start:', e)
  process.exit(1)
})
