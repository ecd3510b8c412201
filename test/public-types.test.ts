import { describe, expect, it } from 'vitest'
import { compileConsumer, hasDeclarations, STRICT_OPTIONS } from './_consumer.js'

// A host project compiles against the built declarations of every package with its own strict
// settings, skipLibCheck off: nothing of the public surface may need the DOM library, crossws
// or a laxer setting than the host's.

const HOST = `
import { createServer } from 'node:http'
import {
  createProductImporter,
  importProducts,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookMessage,
} from '@product-importer/core'
import { createImporterApp, type ImporterApp, toNodeHandler } from '@product-importer/http'
import { pgStorage } from '@product-importer/storage-pg'
import { sqliteStorage } from '@product-importer/storage-sqlite'

const storage = sqliteStorage({ filename: 'shop.db' })
const importer = createProductImporter({ storage })
const app: ImporterApp = createImporterApp(importer, {
  basePath: '/catalog',
  authorize: (event) => event.req.headers.get('x-role') === 'admin',
  onUnexpectedError: (error, event) => console.error(event.url.pathname, error),
})
createServer(toNodeHandler(app))
const answered: Promise<Response> = Promise.resolve(app.fetch(new Request('http://x/catalog/healthz')))

const summary = await importProducts('products.csv', { storage, migrate: false }).result()
const created: number = summary.created

const types: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES
await importer.webhooks.create({ url: 'https://example.com/h', eventTypes: ['product.created'], perRowEvents: true, rateLimit: 5 })
// @ts-expect-error a misspelled event name does not compile
await importer.webhooks.create({ url: 'https://example.com/h', eventTypes: ['product.craeted'] })
// @ts-expect-error the SDK takes camelCase; snake_case is the REST API's
await importer.webhooks.update('id', { per_row_events: true })

for await (const e of importer.webhooks.subscribe()) {
  const any: WebhookEvent = e
  if (e.type === 'product.created') console.log(e.data.sku, e.data.price)
  else if (e.type === 'import.completed') console.log(e.data.created, e.data.errors_url)
  // @ts-expect-error an import event carries no product
  else if (e.type === 'import.failed') console.log(e.data.sku)
  void any
}
const message = JSON.parse('{}') as WebhookMessage
if (message.type === 'products.deleted_all') console.log(message.data.count)

pgStorage({ connectionString: 'postgres://127.0.0.1/shop' })
export { answered, created, types }
`

describe.skipIf(!hasDeclarations() && !process.env.CI)('the public types', () => {
  it('compile in a strict NodeNext ESM project with skipLibCheck off', async () => {
    const { code, output } = await compileConsumer({ 'src/host.ts': HOST })
    expect(output).toBe('')
    expect(code).toBe(0)
  }, 120_000)

  it('compile with moduleResolution Bundler, as a bundled service has it', async () => {
    const { code, output } = await compileConsumer(
      { 'src/host.ts': HOST },
      { ...STRICT_OPTIONS, module: 'ESNext', moduleResolution: 'Bundler' },
    )
    expect(output).toBe('')
    expect(code).toBe(0)
  }, 120_000)

  it('report a misuse the host made, so the checks above can fail', async () => {
    const { code, output } = await compileConsumer({
      'src/host.ts': `import { createProductImporter } from '@product-importer/core'\ncreateProductImporter({ storage: 'shop.db' })\n`,
    })
    expect(code).not.toBe(0)
    expect(output).toMatch(/src\/host\.ts\(2,25\): error TS2322/)
  }, 120_000)
})
