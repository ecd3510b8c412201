// One import into a SQLite file, measured in a process of its own so peak RSS is its own.
//   node bench/import-sqlite.mjs <file.csv> <db> [--dry-run]
// Prints one JSON line: wall time, summary, peak RSS and event-loop delay during the import.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { importProducts } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'

const [file, filename] = process.argv.slice(2)
const storage = sqliteStorage({ filename })
await storage.migrate()
const loop = monitorEventLoopDelay({ resolution: 10 })
loop.enable()
const started = performance.now()
const summary = await importProducts(file, {
  storage,
  dryRun: process.argv.includes('--dry-run'),
}).result()
const ms = performance.now() - started
loop.disable()
await storage.close()
console.log(
  JSON.stringify({
    ms: Math.round(ms),
    summary,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    loopP99Ms: Math.round(loop.percentile(99) / 1e6),
    loopMaxMs: Math.round(loop.max / 1e6),
  }),
)
