import { defineConfig } from 'vitest/config'

// tfjs work is CPU-bound and single-threaded per process: two forks keep both cores busy.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default']
  }
})
