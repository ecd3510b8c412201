// Imports a product CSV into PostgreSQL: a dry run first, then the real import started on one
// app instance and followed live from a second one, as two servers sharing a database would.
//   npm run build && DATABASE_URL=postgres://user:pass@127.0.0.1:5432/shop \
//     node examples/postgres/import.mjs products.csv
import { createProductImporter, importProducts } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'

const [file] = process.argv.slice(2)
const url = process.env.DATABASE_URL
if (!file || !url) {
  console.error('usage: DATABASE_URL=postgres://... node examples/postgres/import.mjs <file.csv>')
  process.exit(2)
}

// Each instance owns a pool; `migrate()` is safe to run from several processes at once.
const storage = pgStorage({ connectionString: url, poolConfig: { max: 10 } })
await storage.migrate()

// 1. What would change? A dry run writes nothing and holds no locks.
for await (const event of importProducts(file, { storage, dryRun: true })) {
  if (event.type === 'done') {
    const s = event.summary
    console.log(`dry run: would create ${s.created}, update ${s.updated}, keep ${s.unchanged}`)
  }
}

// 2. The real import, started on instance A and watched from instance B.
const a = createProductImporter({ storage })
const b = createProductImporter({ storage: pgStorage({ connectionString: url }) })
try {
  const job = await a.imports.start(file, { filename: file })
  for await (const state of b.imports.watch(job.id, { intervalMs: 200 })) {
    console.log(`[instance B] ${state.status.padEnd(9)} ${state.rows} rows`)
  }
  const done = await b.imports.get(job.id)
  console.log(
    `created ${done.created}, updated ${done.updated}, unchanged ${done.unchanged}, invalid ${done.invalid}`,
  )
  if (done.error) console.error(`${done.status}: ${done.error.code}: ${done.error.message}`)
  for (const error of await b.imports.errors(job.id, { limit: 10 })) {
    console.log(`  line ${error.line}: ${error.message}`)
  }

  // 3. Reads: a page with its total, and a name search served by the pg_trgm index.
  const page = await b.products.list({ pageSize: 5 })
  console.log(`${page.total} products; newest:`)
  for (const p of page.items) console.log(`  ${p.sku}  ${p.name}  ${p.price ?? '-'}`)
  const found = await b.products.list({ name: process.env.SEARCH ?? 'lamp', pageSize: 5 })
  console.log(`search: ${found.total} found`)
  process.exitCode = done.status === 'completed' ? 0 : 1
} finally {
  await b.close()
  await a.close()
}
