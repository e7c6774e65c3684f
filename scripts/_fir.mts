import { loadEnhancerModel } from '../src/engine/model/format.ts'
const m = await loadEnhancerModel(process.argv[2])
const w = m.generator.variables.get('fir.w')!.dataSync()
const n = w.length
const out: string[] = []
for (const f of [0, 250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 7900]) {
  let re = 1, im = 0
  for (let k = 0; k < n; k++) { const ph = -2 * Math.PI * f * (k - (n - 1) / 2) / 16000; re += w[k] * Math.cos(ph); im += w[k] * Math.sin(ph) }
  out.push(`${f}:${(10 * Math.log10(re * re + im * im)).toFixed(2)}`)
}
console.log(out.join(' '))
