#!/usr/bin/env node
// The dulcet CLI runs the TypeScript engine directly through tsx, so a fresh clone needs no build step.
import { tsImport } from 'tsx/esm/api'

await tsImport('../src/cli/main.ts', import.meta.url)
