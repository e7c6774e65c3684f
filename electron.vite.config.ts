import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// main has extra entries for the engine workers: worker_threads need files of their own on disk.
export default defineConfig({
  main: {
    build: {
      sourcemap: false,
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          jobWorker: resolve('src/jobhost/jobWorker.ts'),
          batchWorker: resolve('src/engine/enhance/batchWorker.ts')
        },
        // Shared chunks beside the entries: workerUrl.ts and paths.ts resolve files relative to their own module.
        output: { chunkFileNames: '[name]-[hash].js' }
      }
    }
  },
  preload: {
    build: {
      sourcemap: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { sourcemap: false, rollupOptions: { input: resolve('src/renderer/index.html') } },
    plugins: [svelte({ configFile: resolve('svelte.config.js') })]
  }
})
