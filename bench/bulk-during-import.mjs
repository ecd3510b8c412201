// A bulk change, or a delete-all, sent to `product-importer serve` on SQLite while a large import
// runs, once the import has stored a given number of rows.
//   npm run build && node bench/generate.mjs 500000 /tmp/500k.csv
//   node bench/bulk-during-import.mjs /tmp/500k.csv [--at 100000] [--delete-all] [--rounds 2]
// Without --delete-all: POST /api/products/bulk/ {"action":"deactivate","all":true}, and a
// single POST /api/products/ 0.3 s after it; prints how long each took and what each changed.
// With --delete-all: DELETE /api/products/delete_all/ instead; prints the import's counts beside
// the file's own repeated SKU keys. One JSON line a round.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { skuKey } from '@product-importer/core'
import { parse } from 'csv-parse'
import { request } from 'undici'
import { START_FLAGS } from './node-flags.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'packages/cli/dist/cli.js')
const args = process.argv.slice(2)
const file = args[0]
const option = (name, fallback) => {
  const at = args.indexOf(name)
  return at === -1 ? fallback : Number(args[at + 1])
}
const at = option('--at', 100_000)
const rounds = option('--rounds', 1)
const deleteAll = args.includes('--delete-all')

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bulk-'))
  const child = spawn(
    process.execPath,
    [...START_FLAGS, CLI, 'serve', '--db', join(dir, 'bench.db'), '--port', '0'],
    {
      env: { ...process.env, DATABASE_URL: '', PRODUCT_IMPORTER_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  const origin = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1])
    })
    child.once('exit', () => reject(new Error(`server exited: ${out}`)))
  })
  return {
    origin,
    async stop() {
      child.kill('SIGTERM')
      await once(child, 'exit')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function json(method, url, body, headers = {}) {
  const started = performance.now()
  const res = await request(url, {
    method,
    body: typeof body === 'object' && !(body && 'pipe' in body) ? JSON.stringify(body) : body,
    headers:
      typeof body === 'object' && !(body && 'pipe' in body)
        ? { 'content-type': 'application/json', ...headers }
        : headers,
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    ms: Math.round(performance.now() - started),
    body: text ? JSON.parse(text) : null,
  }
}

/** Rows of the file and how many of them repeat an earlier SKU key (case-insensitively). */
async function fileRepeats(path) {
  const seen = new Set()
  let rows = 0
  const parser = createReadStream(path).pipe(parse({ columns: true }))
  for await (const record of parser) {
    rows++
    seen.add(skuKey(record.sku))
  }
  return { rows, repeats: rows - seen.size }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function round(expected) {
  const server = await startServer()
  const { origin } = server
  try {
    // The upload answers once its body is in, by then mostly imported: its job is found in the
    // list meanwhile.
    const upload = json('POST', `${origin}/api/import/`, createReadStream(file), {
      'content-type': 'text/csv',
      'content-length': String(statSync(file).size),
    })
    let progress
    for (;;) {
      const [job] = (await json('GET', `${origin}/api/import/jobs/?limit=1`)).body.items
      if (job) {
        progress = `${origin}${job.progress_url ?? `/api/import/progress/${job.job_id}/`}`
        if (job.rows >= at) break
        if (job.status !== 'running' && job.status !== 'pending') throw new Error(job.status)
      }
      await sleep(20)
    }
    const result = {}
    if (deleteAll) {
      const deleted = await json('DELETE', `${origin}/api/products/delete_all/`)
      Object.assign(result, { deleteAllMs: deleted.ms, deleted: deleted.body.deleted })
    } else {
      const bulk = json('POST', `${origin}/api/products/bulk/`, { action: 'deactivate', all: true })
      await sleep(300)
      const create = await json('POST', `${origin}/api/products/`, {
        sku: `BENCH-${Date.now()}`,
        name: 'Created during a bulk change',
      })
      const changed = await bulk
      Object.assign(result, {
        bulkStatus: changed.status,
        bulkMs: changed.ms,
        changed: changed.body.changed,
        createStatus: create.status,
        createMs: create.ms,
      })
    }
    if ((await upload).status !== 202) throw new Error('the upload failed')
    let job
    for (;;) {
      job = (await json('GET', progress)).body
      if (!['running', 'pending'].includes(job.status)) break
      await sleep(100)
    }
    const { rows, created, updated, unchanged, invalid, duplicates_in_file } = job
    Object.assign(result, {
      importStatus: job.status,
      rows,
      created,
      updated,
      unchanged,
      invalid,
      duplicates_in_file,
      fileRepeats: expected.repeats,
      sumsToRows: created + updated + unchanged + invalid + duplicates_in_file === rows,
    })
    return result
  } finally {
    await server.stop()
  }
}

const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]
const expected = await fileRepeats(file)
for (let i = 0; i < rounds; i++)
  console.log(JSON.stringify({ cpu, at, ...(await round(expected)) }))
