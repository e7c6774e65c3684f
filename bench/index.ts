// `npm run bench [-- train|enhance]`: training and enhancement benchmarks on the active backend.
// Speed is measured here, never in tests. Prints one table per benchmark and a JSON line for records.
import { benchEnhance } from './enhance.ts'
import { benchTrain } from './train.ts'

const benches: Record<string, () => Promise<Record<string, number | string>>> = {
  train: benchTrain,
  enhance: () => benchEnhance()
}

const wanted = process.argv.slice(2).filter((a) => a in benches)
const results: Record<string, Record<string, number | string>> = {}
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  console.error(`bench ${name}...`)
  results[name] = await benches[name]()
  console.log(`\n## ${name}`)
  console.table(results[name])
}
console.log(JSON.stringify({ date: new Date().toISOString(), results }))
