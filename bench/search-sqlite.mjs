// Text filters on SQLite against a naive scan, in the same run: a page of 20 with its total
// through the storage, and the raw driver counting `LIKE '%x%'` over the same table.
//   node bench/search-sqlite.mjs <db with imported products> [--reps 20] [--no-write]
// Writes the `sqlite-search` section of docs/benchmarks.md.
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { writeSection } from './doc-section.mjs'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '20' }, 'no-write': { type: 'boolean' } },
})
const [filename] = positionals
const REPS = Number(values.reps)

// Each filter, the naive scan it is compared with, and the target ratio.
const LIKE = (column, text) => `${column} LIKE '%${text}%'`
const CASES = [
  { label: 'name "lamp"', filter: { name: 'lamp' }, naive: LIKE('name', 'lamp'), target: 0.5 },
  {
    label: 'name matching nothing',
    filter: { name: 'zzqx' },
    naive: LIKE('name', 'zzqx'),
    target: 0.5,
  },
  // SKU filters also show the naive count over the narrow sku_key index, for comparison.
  {
    label: 'sku "raf-12"',
    filter: { sku: 'raf-12' },
    naive: LIKE('sku', 'raf-12'),
    narrow: LIKE('sku_key', 'raf-12'),
    target: 0.5,
  },
  {
    label: 'sku "0012"',
    filter: { sku: '0012' },
    naive: LIKE('sku', '0012'),
    narrow: LIKE('sku_key', '0012'),
    target: 0.5,
  },
  {
    label: 'q "lamp" (sku, name, description)',
    filter: { q: 'lamp' },
    naive: ['sku', 'name', 'description'].map((c) => LIKE(c, 'lamp')).join(' OR '),
    target: 1.5,
  },
]

const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]
const fmt = (ms) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString())

const storage = sqliteStorage({ filename })
await storage.migrate()
const raw = new Database(filename, { readonly: true })
const products = raw.prepare('SELECT count(*) FROM products').pluck().get()
// An import leaves the names of its products to be folded into product_names after it; a name
// search starts that. The figures are for the state after it, which it reports.
const unfolded = raw.prepare(
  'SELECT (SELECT max(rowid) FROM products) > (SELECT coalesce(max(rowid), 0) FROM product_names)',
)
let folding = performance.now()
await storage.listProducts({ name: 'a', pageSize: 1 })
for (let i = 0; i < 6_000 && unfolded.pluck().get(); i++) {
  await new Promise((resolve) => setTimeout(resolve, 5))
}
folding = performance.now() - folding
const rows = []
for (const { label, filter, naive, narrow, target } of CASES) {
  const count = raw.prepare(`SELECT count(*) FROM products WHERE ${naive}`).pluck()
  const narrowCount = narrow && raw.prepare(`SELECT count(*) FROM products WHERE ${narrow}`).pluck()
  const ours = []
  const scan = []
  const narrowScan = []
  let total
  // Alternating, after three warm-up rounds each.
  for (let i = 0; i < REPS + 3; i++) {
    let started = performance.now()
    const page = await storage.listProducts({ ...filter, pageSize: 20 })
    if (i >= 3) ours.push(performance.now() - started)
    total = page.total
    started = performance.now()
    const n = count.get()
    if (i >= 3) scan.push(performance.now() - started)
    if (i === 0 && n !== total && !filter.sku) throw new Error(`${label}: ${total} against ${n}`)
    if (narrowCount) {
      started = performance.now()
      const m = narrowCount.get()
      if (i >= 3) narrowScan.push(performance.now() - started)
      if (i === 0 && m !== total) throw new Error(`${label}: ${total} against ${m}`)
    }
  }
  const ratio = p95(ours) / p95(scan)
  rows.push(
    `| ${label} | ${total.toLocaleString('en-US')} | ${fmt(p95(ours))} ms | ${fmt(p95(scan))} ms | ${ratio.toFixed(2)}x | <= ${target}x | ${ratio <= target ? 'yes' : '**no**'} | ${narrowCount ? `${fmt(p95(narrowScan))} ms` : '-'} |`,
  )
}
await storage.close()
raw.close()

const text = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; ${products.toLocaleString('en-US')} products; p95 of ${REPS} requests each, alternating with the naive scan; names folded in ${Math.round(folding)} ms before.`,
  '',
  '| filter | total | page of 20 with its total (p95) | naive scan (p95) | ratio | target | met | naive scan of the sku_key index (p95) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n')
console.log(text)
if (!values['no-write']) writeSection('sqlite-search', text)
