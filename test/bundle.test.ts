import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT } from './_consumer.js'

// A service bundled with esbuild into one file, as for a container or a function: only
// better-sqlite3 (a native module) stays in node_modules. The workers and the web UI live in
// files of their own, copied beside the bundle as docs/embedding.md says.

const SERVICE = `
import { createServer } from 'node:http'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'

const importer = createProductImporter({ storage: sqliteStorage({ filename: process.env.DB }) })
const server = createServer(toNodeHandler(createImporterApp(importer)))
server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port))
process.once('SIGTERM', async () => {
  server.closeAllConnections()
  server.close()
  await importer.close()
})
`

/** What docs/embedding.md says to copy beside the bundle. */
const BESIDE_THE_BUNDLE = [
  'core/dist/parse-worker.js',
  'storage-sqlite/dist/write-worker.js',
  'storage-sqlite/dist/count-worker.js',
  'storage-sqlite/dist/checkpoint-worker.js',
]

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function bundle(copyAssets: boolean): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'src'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'src', 'node_modules'))
  writeFileSync(join(dir, 'src', 'service.mjs'), SERVICE)
  const out = join(dir, 'out')
  await build({
    entryPoints: [join(dir, 'src', 'service.mjs')],
    outfile: join(out, 'service.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  })
  // The deployment: the bundle, better-sqlite3 with its one run-time dependency, and the files.
  mkdirSync(join(out, 'node_modules'))
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    symlinkSync(join(ROOT, 'node_modules', name), join(out, 'node_modules', name))
  }
  if (copyAssets) {
    for (const file of BESIDE_THE_BUNDLE) {
      cpSync(join(ROOT, 'packages', file), join(out, file.split('/').pop()!))
    }
    cpSync(join(ROOT, 'packages/http/dist/ui'), join(out, 'ui'), { recursive: true })
  }
  return out
}

async function start(out: string): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, [join(out, 'service.mjs')], {
    cwd: out,
    env: { ...process.env, DB: join(out, 'shop.db') },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })
  let text = ''
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening: ${text}`)), 15_000)
    child.stdout!.on('data', (chunk) => {
      text += chunk
      const match = /listening on (\d+)/.exec(text)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
  })
  return `http://127.0.0.1:${port}`
}

async function importThrough(origin: string): Promise<{ status: string; error?: unknown }> {
  const res = await fetch(`${origin}/api/import/`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: 'sku,name,price\nA-1,Lamp,9.90\nB-2,Mug,4.50\n',
  })
  // A file the worker cannot be started for fails at once, before the job is accepted.
  if (res.status !== 202) return { status: `answered ${res.status}`, error: await res.json() }
  const job = (await res.json()) as { progress_url: string }
  let state = { status: '' } as { status: string; error?: unknown }
  for (let i = 0; i < 200 && !['completed', 'failed'].includes(state.status); i++) {
    if (i) await new Promise((r) => setTimeout(r, 25))
    state = (await (await fetch(origin + job.progress_url)).json()) as typeof state
  }
  return state
}

describe('a service bundled with esbuild', () => {
  it('serves the UI and imports through the workers copied beside the bundle', async () => {
    const origin = await start(await bundle(true))
    const page = await fetch(`${origin}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('src="ui/app.js"')
    expect((await fetch(`${origin}/ui/app.js`)).status).toBe(200)
    expect(await importThrough(origin)).toMatchObject({ status: 'completed' })
    const list = (await (await fetch(`${origin}/api/products/`)).json()) as { total: number }
    expect(list.total).toBe(2)
  }, 60_000)

  it('says which file to copy when the bundle left it behind', async () => {
    const origin = await start(await bundle(false))
    const page = await fetch(`${origin}/`)
    expect(page.status).toBe(404)
    expect(((await page.json()) as { error: { message: string } }).error.message).toContain(
      'copy node_modules/@product-importer/http/dist/ui beside the bundle',
    )
    const failed = await importThrough(origin)
    expect(failed.status).toMatch(/^(failed|answered 500)$/)
    expect(JSON.stringify(failed.error)).toMatch(/PARSER_FAILED|STORAGE_FAILED/)
    expect(JSON.stringify(failed.error)).toMatch(/dist\/(parse|write)-worker\.js beside its bundle/)
  }, 60_000)
})
