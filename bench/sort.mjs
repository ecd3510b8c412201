// Sorted product pages over HTTP at 500k products, on SQLite and PostgreSQL:
// `GET /api/products/?sort=<field>&page=<n>` (pages 1 to 50 in turn, 20 products each, with the
// total), p95 of `--reps` requests after five warm-up ones. One product in twenty has its price
// cleared first, so the NULL prices take part in the price sorts.
//   node bench/sort.mjs [sqlite|pg|both] [--reps 100] [--rows 500000] [--label text]
// (build first: TSUP_DTS=false npm run build; the file is generated when missing)
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { createProductImporter, importProducts } from '../packages/core/dist/index.js'
import { createImporterApp, toNodeHandler } from '../packages/http/dist/index.js'
import { pgStorage } from '../packages/storage-pg/dist/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/dist/index.js'
import { startPostgres } from '../test/pg-server.mjs'
import { writeProductsFile } from './generate.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    reps: { type: 'string', default: '100' },
    rows: { type: 'string', default: '500000' },
    label: { type: 'string', default: '' },
  },
})
const REPS = Number(values.reps)
const ROWS = Number(values.rows)
const FILE = `bench/.data/products-${ROWS}.csv`
const SORTS = ['name', '-name', 'price', '-price', 'sku']

const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]
const fmt = (ms) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString())

/** Imports the file into `storage` and times the sorted pages through a real HTTP server. */
async function measure(storage, clearPrices) {
  await storage.migrate()
  const started = performance.now()
  await importProducts(FILE, { storage }).result()
  const importMs = performance.now() - started
  await clearPrices()
  const importer = createProductImporter({ storage })
  const server = createServer(toNodeHandler(createImporterApp(importer)))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  const result = { importMs }
  try {
    for (const sort of SORTS) {
      const samples = []
      for (let i = 0; i < REPS + 5; i++) {
        const t = performance.now()
        const res = await fetch(`${origin}/api/products/?sort=${sort}&page=${1 + (i % 50)}`)
        await res.json()
        if (res.status !== 200) throw new Error(`${sort}: status ${res.status}`)
        if (i >= 5) samples.push(performance.now() - t)
      }
      result[sort] = p95(samples)
    }
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await importer.close()
  }
  return result
}

async function sqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sort-'))
  const filename = join(dir, 'products.db')
  try {
    return await measure(sqliteStorage({ filename }), async () => {
      const db = new Database(filename)
      db.exec('update products set price_cents = null where rowid % 20 = 0')
      db.close()
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function postgres() {
  const server = await startPostgres({ durable: true })
  try {
    return await measure(pgStorage({ connectionString: server.url }), async () => {
      const client = new pg.Client(server.url)
      await client.connect()
      await client.query(
        `update products set price_cents = null
          where ('x' || substr(md5(id), 1, 8))::bit(32)::int % 20 = 0`,
      )
      // Autovacuum does this within a minute of a load; done here for stable figures.
      await client.query('vacuum analyze products')
      await client.end()
    })
  } finally {
    await server.stop()
  }
}

if (!existsSync(FILE)) await writeProductsFile(ROWS, FILE)
const which = positionals[0] ?? 'both'
const rows = []
for (const [name, run] of [
  ['SQLite', sqlite],
  ['PostgreSQL 15', postgres],
]) {
  if (which !== 'both' && !name.toLowerCase().startsWith(which)) continue
  const r = await run()
  console.error(name, r)
  rows.push(
    `| ${values.label} | ${name} | ${SORTS.map((s) => `${fmt(r[s])} ms`).join(' | ')} | ${(r.importMs / 1000).toFixed(1)} s |`,
  )
}
console.log(
  `${ROWS.toLocaleString('en-US')} products, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; p95 of ${REPS} requests each, pages 1 to 50 of 20 with the total.`,
)
console.log(`|  | database | ${SORTS.map((s) => `sort=${s}`).join(' | ')} | import |`)
console.log(`| --- | --- | ${SORTS.map(() => '---').join(' | ')} | --- |`)
for (const row of rows) console.log(row)
