import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src/engine/backend.ts'
import { readAudio } from '../src/engine/audio/index.ts'
import { loadEnhancerModel } from '../src/engine/model/format.ts'
await initBackend()
const m = await loadEnhancerModel(process.argv[2])
const g = m.generator
const gw = g.variables.get("gate.w")!, gb = g.variables.get("gate.b")!
console.log('gate.b', gb.dataSync()[0].toFixed(3), 'gate.w norm', tf.norm(gw).dataSync()[0].toFixed(3))
for (const kind of ['gl32', 'lp4k', 'opus6k', 'codec2_3200']) {
  const a = await readAudio(`/tmp/dulcet-dev/heldout/${kind}/lj_LJ001-0016.wav`).catch(() => null)
  if (!a) continue
  const x = tf.tensor3d(a.channels[0], [1, a.channels[0].length, 1])
  const y = g.apply(x)
  const r = tf.sub(y, x)
  console.log(kind, 'residual rms', tf.sqrt(tf.mean(tf.square(r))).dataSync()[0].toExponential(2), 'input rms', tf.sqrt(tf.mean(tf.square(x))).dataSync()[0].toExponential(2))
}
