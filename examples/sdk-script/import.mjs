// Imports a product CSV with the SDK, following the job live, then prints a page and the errors.
//   npm run build && node examples/sdk-script/import.mjs examples/sample_products.csv [products.db]
import { createProductImporter } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'

const [file, db = 'products.db'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node examples/sdk-script/import.mjs <file.csv> [database.db]')
  process.exit(2)
}

const importer = createProductImporter({ storage: sqliteStorage({ filename: db }) })
try {
  const job = await importer.imports.start(file, { filename: file })
  for await (const state of importer.imports.watch(job.id, { intervalMs: 200 })) {
    console.log(`${state.status.padEnd(9)} ${state.rows} rows, ${state.rowsPerSecond} rows/s`)
  }

  const done = await importer.imports.get(job.id)
  console.log(
    `created ${done.created}, updated ${done.updated}, unchanged ${done.unchanged}, invalid ${done.invalid}, repeated in the file ${done.duplicatesInFile}`,
  )
  // A file that could not be imported at all (no sku column, not found, not UTF-8) says why here.
  if (done.error) console.error(`${done.status}: ${done.error.code}: ${done.error.message}`)
  for (const error of await importer.imports.errors(job.id, { limit: 10 })) {
    console.log(`  line ${error.line}: ${error.message}`)
  }

  const page = await importer.products.list({ pageSize: 5 })
  console.log(`${page.total} products; newest:`)
  for (const p of page.items) console.log(`  ${p.sku}  ${p.name}  ${p.price ?? '-'}`)
  process.exitCode = done.status === 'completed' ? 0 : 1
} finally {
  await importer.close()
}
