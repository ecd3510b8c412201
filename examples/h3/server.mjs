// The product-importer API mounted in an h3 v2 app under /catalog.
//   npm run build && node examples/h3/server.mjs
// Environment: PORT (default 3000), DB (default ./products.db), API_TOKEN (optional).
import { createServer } from 'node:http'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { H3 } from 'h3'

const importer = createProductImporter({
  storage: sqliteStorage({ filename: process.env.DB ?? 'products.db' }),
})
const token = process.env.API_TOKEN
const catalog = createImporterApp(importer, {
  basePath: '/catalog',
  ...(token ? { auth: { token } } : {}),
})

const app = new H3()
  .get('/', () => 'host app: try /catalog/api/products/\n')
  // h3 calls the importer's fetch with /catalog cut off; basePath puts it back in links.
  .mount('/catalog', catalog)

// toNodeHandler takes any app with a fetch method, the host's h3 app included.
const server = createServer(toNodeHandler(app))
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/catalog/api/products/`)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    server.close()
    server.closeIdleConnections()
    await importer.close() // cancels running imports between batches
    server.closeAllConnections()
  })
}
