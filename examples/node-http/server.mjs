// The product-importer API mounted in a plain node:http server, next to the host's own routes.
//   npm run build && node examples/node-http/server.mjs
// Environment: PORT (default 3000), DB (default ./products.db), API_TOKEN (optional).
import { createServer } from 'node:http'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'

const importer = createProductImporter({
  storage: sqliteStorage({ filename: process.env.DB ?? 'products.db' }),
})
const token = process.env.API_TOKEN
const catalog = toNodeHandler(
  createImporterApp(importer, { basePath: '/catalog', ...(token ? { auth: { token } } : {}) }),
)

const server = createServer((req, res) => {
  // Everything under /catalog belongs to the importer; the rest is the host's.
  if (req.url === '/catalog' || req.url?.startsWith('/catalog/')) return catalog(req, res)
  res.setHeader('content-type', 'text/plain')
  res.end('host app: try /catalog/api/products/\n')
})

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
