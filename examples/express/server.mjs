// The product-importer API mounted in an Express 5 app under /admin/products.
//   npm run build && node examples/express/server.mjs
// Environment: PORT (default 3000), DB (default ./products.db), API_TOKEN (optional).
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import express from 'express'

const importer = createProductImporter({
  storage: sqliteStorage({ filename: process.env.DB ?? 'products.db' }),
})
const token = process.env.API_TOKEN
const products = createImporterApp(importer, {
  basePath: '/admin/products',
  ...(token ? { auth: { token } } : {}),
})

const app = express()
// FIRST, before any body parser: the importer reads request bodies itself, streaming uploads
// from the socket. A parser mounted earlier would consume the body before it gets there.
app.use('/admin/products', toNodeHandler(products))
app.use(express.json())
app.post('/api/echo', (req, res) => res.json({ youSent: req.body }))

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/admin/products/api/products/`)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    server.close()
    server.closeIdleConnections()
    await importer.close() // cancels running imports between batches
    server.closeAllConnections()
  })
}
