import { createReadStream, readFileSync, statSync } from 'node:fs'
import { skuKey } from '@product-importer/core'
import { parse } from 'csv-parse'
import { request } from 'undici'
import { startServer } from './serve.mjs'

const args = process.argv.slice(2)
const file = args[0]
const option = (name, fallback) => {
  const at = args.indexOf(name)
  return at === -1 ? fallback : Number(args[at + 1])
}
const at = option('--at', 100_000)
const rounds = option('--rounds', 1)
const deleteAll = args.includes('--delete-all')

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
  const server = await startServer('bench-bulk-')
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
