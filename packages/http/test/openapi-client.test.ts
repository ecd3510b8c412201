import { execFile } from 'node:child_process'
import { symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createOpenApiDocument } from '@product-importer/http'
import openapiTS, { astToString } from 'openapi-typescript'
import { describe, expect, it } from 'vitest'
import { type Json, startServer, tempDir } from './_server.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const run = promisify(execFile)

// A script a user of the API would write against the generated types, compiled in strict mode.
const CLIENT = `
import createClient from 'openapi-fetch'
import type { paths } from './schema.js'

const client = createClient<paths>({ baseUrl: process.argv[2] })
const created = await client.POST('/api/products/', {
  body: { sku: 'GEN-1', name: 'Desk lamp', price: '19.99', quantity: 3 },
})
if (!created.data) throw new Error(\`create failed: \${created.response.status}\`)
const id: string = created.data.id
const list = await client.GET('/api/products/', { params: { query: { q: 'lamp' } } })
const total: number | undefined = list.data?.total
const patched = await client.PATCH('/api/products/{id}/', {
  params: { path: { id } },
  body: { price: '24.50' },
})
const price: string | null | undefined = patched.data?.price
const missing = await client.GET('/api/products/{id}/', {
  params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
})
const code: string | undefined = missing.error?.error.code
console.log(JSON.stringify({ id, total, skus: list.data?.items.map((p) => p.sku), price, status: missing.response.status, code }))
`

describe('a client generated from the OpenAPI document', () => {
  it('compiles in strict mode with openapi-typescript and openapi-fetch, and creates, lists, patches and gets a 404', async () => {
    const dir = tempDir()
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
    writeFileSync(
      join(dir, 'schema.ts'),
      astToString(await openapiTS(createOpenApiDocument() as never)),
    )
    writeFileSync(join(dir, 'client.ts'), CLIENT)
    const compiled = await run(
      join(ROOT, 'node_modules/.bin/tsc'),
      [
        '--strict',
        '--noUncheckedIndexedAccess',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        'client.ts',
      ],
      { cwd: dir },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }))
    expect(compiled.stdout).toBe('')

    const t = await startServer()
    const { stdout } = await run(process.execPath, [join(dir, 'client.js'), t.origin])
    const seen = JSON.parse(stdout) as Json
    expect(seen).toEqual({
      id: expect.any(String),
      total: 1,
      skus: ['GEN-1'],
      price: '24.50',
      status: 404,
      code: 'NOT_FOUND',
    })
    const stored = await t.importer.products.get(seen.id)
    expect(stored?.price).toBe('24.50')
  }, 60_000)
})
