// The product-importer API mounted in a Hono app under /catalog, served on Node.
//   npm run build && node examples/hono/server.mjs
// Environment: PORT (default 3000), DB (default ./products.db), API_TOKEN (optional).
import { serve } from '@hono/node-server'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { Hono } from 'hono'

const importer = createProductImporter({
  storage: sqliteStorage({ filename: process.env.DB ?? 'products.db' }),
})
const token = process.env.API_TOKEN
const catalog = createImporterApp(importer, {
  basePath: '/catalog',
  ...(token ? { auth: { token } } : {}),
})

const app = new Hono()
// Hono hands the importer a web Request with /catalog cut off; basePath puts it back in links.
app.mount('/catalog', catalog.fetch)
app.get('/', (c) => c.text('host app: try /catalog/api/products/\n'))

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' },
  (info) => console.log(`listening on http://127.0.0.1:${info.port}/catalog/api/products/`),
)

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    server.close()
    server.closeIdleConnections?.()
    await importer.close() // cancels running imports between batches
    server.closeAllConnections?.()
  })
}
