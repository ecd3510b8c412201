import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { createSchema, PG_URL } from '../../storage-pg/test/_pg.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../../..')
const PACKAGES = ['core', 'http', 'storage-pg', 'storage-sqlite', 'cli']
const dir = mkdtempSync(join(tmpdir(), 'product-importer-pack-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Packed {
  name: string
  filename: string
  files: { path: string }[]
}

/** `npm pack` of every published package: the tarballs users install. */
async function packAll(): Promise<Map<string, Packed>> {
  const workspaces = PACKAGES.flatMap((p) => ['-w', `packages/${p}`])
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', dir, ...workspaces],
    { cwd: ROOT },
  )
  return new Map((JSON.parse(stdout) as Packed[]).map((p) => [p.name, p]))
}

// A host service that mounts the API on its own node:http server, started as its own process so
// it resolves every import from the temporary project's node_modules, as a user's would.
const HOST = `
import { createServer } from 'node:http'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { pgStorage } from '@product-importer/storage-pg'

const importer = createProductImporter({ storage: pgStorage({ connectionString: process.env.DATABASE_URL }) })
await importer.storage.migrate()
const server = createServer(toNodeHandler(createImporterApp(importer)))
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = 'http://127.0.0.1:' + server.address().port
const health = await fetch(origin + '/healthz')
const created = await fetch(origin + '/api/products/', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ sku: 'PACK-1', name: 'Packed lamp', price: '19.90' }),
})
const list = await fetch(origin + '/api/products/')
console.log(JSON.stringify({
  health: [health.status, await health.json()],
  created: created.status,
  list: [list.status, await list.json()],
}))
server.close()
await importer.close()
`

describe('the published packages', () => {
  it('pack their built files, and the CLI its committed bin launcher', async () => {
    const packed = await packAll()
    expect([...packed.keys()].sort()).toEqual(PACKAGES.map((p) => `@product-importer/${p}`).sort())
    for (const p of packed.values()) {
      expect(p.files.map((f) => f.path)).toContain('package.json')
      expect(p.files.some((f) => f.path.startsWith('dist/'))).toBe(true)
      expect(p.files.some((f) => f.path.startsWith('src/') || f.path.startsWith('test/'))).toBe(
        false,
      )
    }
    const cli = packed.get('@product-importer/cli')!
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'))
    const bin = manifest.bin['product-importer'].replace(/^\.\//, '')
    expect(cli.files.map((f) => f.path)).toEqual(expect.arrayContaining([bin, 'dist/cli.js']))
    // npm links a bin at install time, before any build: its target must be in the repository.
    const { stdout } = await run('git', ['ls-files', `packages/cli/${bin}`], { cwd: ROOT })
    expect(stdout.trim()).toBe(`packages/cli/${bin}`)
  }, 120_000)

  it.skipIf(!PG_URL)(
    'install core, http and storage-pg without SQLite, and serve products from PostgreSQL',
    async () => {
      const packed = await packAll()
      const project = join(dir, 'host')
      mkdirSync(project)
      const dependency = (name: string) => `file:${join(dir, packed.get(name)!.filename)}`
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({
          name: 'host',
          private: true,
          type: 'module',
          dependencies: Object.fromEntries(
            ['core', 'http', 'storage-pg'].map((p) => [
              `@product-importer/${p}`,
              dependency(`@product-importer/${p}`),
            ]),
          ),
        }),
      )
      writeFileSync(join(project, 'host.mjs'), HOST)
      // The npm cache serves what it holds; the registry the rest.
      await run(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
        { cwd: project },
      )
      const modules = join(project, 'node_modules')
      expect(existsSync(join(modules, '@product-importer/http'))).toBe(true)
      expect(existsSync(join(modules, 'better-sqlite3'))).toBe(false)
      expect(existsSync(join(modules, '@product-importer/storage-sqlite'))).toBe(false)

      const schema = await createSchema()
      try {
        const { stdout } = await run(process.execPath, ['host.mjs'], {
          cwd: project,
          env: { ...process.env, DATABASE_URL: schema.url },
          timeout: 60_000,
        })
        const result = JSON.parse(stdout.trim().split('\n').at(-1)!)
        expect(result.health).toEqual([200, { status: 'ok' }])
        expect(result.created).toBe(201)
        expect(result.list[0]).toBe(200)
        expect(result.list[1].items).toEqual([
          expect.objectContaining({ sku: 'PACK-1', name: 'Packed lamp', price: '19.90' }),
        ])
        expect(await schema.raw('select sku from products')).toEqual([{ sku: 'PACK-1' }])
      } finally {
        await schema.drop()
      }
    },
    180_000,
  )
})
