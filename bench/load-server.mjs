// The server of bench/load.mjs, in a process of its own: the importer app as `serve` mounts it,
// over SQLite or PostgreSQL, beside two routes for comparison on the same storage and process.
//   node bench/load-server.mjs (--db file | --database-url url) [--import file.csv]
//   /reference/products/?...  the same page without its total (listProducts, withTotal false)
//   /before/products/?...     PostgreSQL only: that page and a count(*) of the whole table (or
//                             its active products) beside it, as every request paid before the
//                             totals table
// Prints `listening on <origin>` once it answers.
import { once } from 'node:events'
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createProductImporter, importProducts } from '../packages/core/dist/index.js'
import { createImporterApp, toNodeHandler } from '../packages/http/dist/index.js'

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    'database-url': { type: 'string' },
    import: { type: 'string' },
  },
})
const url = values['database-url']
const storage = url
  ? (await import('../packages/storage-pg/dist/index.js')).pgStorage({ connectionString: url })
  : (await import('../packages/storage-sqlite/dist/index.js')).sqliteStorage({
      filename: values.db,
    })
await storage.migrate()
if (values.import) {
  for await (const event of importProducts(values.import, { storage })) {
    if (event.type === 'done') console.error(JSON.stringify(event.summary))
  }
}
// As autovacuum leaves a table shortly after a load: planner statistics, pages all-visible.
if (url && values.import) {
  const admin = new pg.Client(url)
  await admin.connect()
  await admin.query('vacuum analyze products')
  await admin.end()
}
const importer = createProductImporter({ storage })
await importer.products.list({})
const app = createImporterApp(importer, {})
const handle = toNodeHandler(app)
const counter = url ? new pg.Pool({ connectionString: url, max: 10 }) : undefined

const filterOf = (params) => {
  const filter = {}
  for (const key of ['sku', 'name', 'description', 'q']) {
    if (params.get(key)) filter[key] = params.get(key)
  }
  if (params.has('active')) filter.active = params.get('active') === 'true'
  return filter
}

/** A page as JSON: the items, and `total` when counted. */
async function comparison(path, params, res) {
  const filter = filterOf(params)
  const page = storage.listProducts({ ...filter, pageSize: 20, withTotal: false })
  let total
  if (path === '/before/products/') {
    const where = filter.active === undefined ? '' : `where active = ${filter.active}`
    const counted = counter.query(`select count(*)::int as n from products ${where}`)
    total = (await counted).rows[0].n
  }
  const { items } = await page
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ items, ...(total === undefined ? {} : { total }) }))
}

const server = createServer((req, res) => {
  const { pathname, searchParams } = new URL(req.url, 'http://localhost')
  if (pathname === '/reference/products/' || (counter && pathname === '/before/products/')) {
    comparison(pathname, searchParams, res).catch((error) => {
      res.writeHead(500)
      res.end(String(error))
    })
    return
  }
  handle(req, res)
})
server.listen(0, '127.0.0.1')
await once(server, 'listening')
console.log(`listening on http://127.0.0.1:${server.address().port}`)
process.once('SIGTERM', async () => {
  server.closeAllConnections()
  server.close()
  await counter?.end()
  await importer.close()
  process.exit(0)
})
