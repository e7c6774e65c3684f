import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src/engine/backend.ts'
import { loadEnhancerModel, saveEnhancerModel } from '../src/engine/model/format.ts'
await initBackend()
const m = await loadEnhancerModel(process.argv[2])
for (const n of ['out.w', 'out.b']) { const v = m.generator.variables.get(n)!; v.assign(tf.zerosLike(v)) }
if (process.argv[4]) { const v = m.generator.variables.get('gate.b')!; v.assign(tf.fill([1], Number(process.argv[4]))) }
await saveEnhancerModel(process.argv[3], m.generator, m.meta)
