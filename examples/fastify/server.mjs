// The product-importer API mounted in a Fastify 5 app under /catalog, beside Fastify's own routes.
//   npm run build && node examples/fastify/server.mjs
// Environment: PORT (default 3000), DB (default ./products.db), API_TOKEN (optional).
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Fastify from 'fastify'

const importer = createProductImporter({
  storage: sqliteStorage({ filename: process.env.DB ?? 'products.db' }),
})
const token = process.env.API_TOKEN
const catalog = toNodeHandler(
  createImporterApp(importer, { basePath: '/catalog', ...(token ? { auth: { token } } : {}) }),
)

const app = Fastify()
// A scope of its own: Fastify's body parsers stay for the host's routes, while the importer's
// bodies (JSON, and uploads streamed from the socket) are left unread for the importer.
await app.register(async (scope) => {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
  const handle = (request, reply) => {
    reply.hijack() // the importer writes the response itself
    catalog(request.raw, reply.raw)
  }
  scope.all('/catalog', handle)
  scope.all('/catalog/*', handle)
})
app.post('/api/echo', async (request) => ({ youSent: request.body }))

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
console.log(`listening on ${address}/catalog/api/products/`)

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    app.server.closeIdleConnections()
    const closing = app.close()
    await importer.close() // cancels running imports between batches
    app.server.closeAllConnections()
    await closing
  })
}
