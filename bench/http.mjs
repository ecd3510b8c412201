import { createReadStream, existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import autocannon from 'autocannon'
import { request } from 'undici'
import { writeProductsFile } from './generate.mjs'
import { startServer } from './serve.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const FILE_500K = join(ROOT, 'bench/.data/products-500000.csv')
const BIG_ROWS = 2_100_000 // about 490 MiB: just under the default 500 MiB upload limit
const FILE_BIG = join(ROOT, `bench/.data/products-${BIG_ROWS}.csv`)
const skipBig = process.argv.includes('--skip-500mb')

if (!existsSync(FILE_500K)) {
  console.error(
    'missing bench/.data/products-500000.csv: run `node bench/generate.mjs 500000` first',
  )
  process.exit(1)
}

async function json(method, url, body, headers = {}) {
  const res = await request(url, { method, body, headers })
  const text = await res.body.text()
  return { status: res.statusCode, body: text ? JSON.parse(text) : null }
}

/** Uploads `file` raw and resolves when its job has finished, with the elapsed milliseconds. */
async function upload(origin, file) {
  const started = performance.now()
  const res = await json('POST', `${origin}/api/import/`, createReadStream(file), {
    'content-type': 'text/csv',
    'content-length': String(statSync(file).size),
  })
  if (res.status !== 202)
    throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`)
  for (;;) {
    const job = (await json('GET', `${origin}${res.body.progress_url}`)).body
    if (['completed', 'failed', 'cancelled'].includes(job.status)) {
      return { ms: Math.round(performance.now() - started), job }
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

function cannon(url, seconds) {
  return autocannon({ url, connections: 50, duration: seconds })
}

const report = (name, values) => console.log(JSON.stringify({ bench: name, ...values }))

// 1. 500k rows through HTTP into SQLite, then the list endpoint under load on that data.
{
  const server = await startServer('bench-http-')
  const { ms, job } = await upload(server.origin, FILE_500K)
  report('upload-500k', {
    ms,
    status: job.status,
    rows: job.rows,
    created: job.created,
    mb: +(statSync(FILE_500K).size / 1048576).toFixed(1),
    peakRssMiB: Math.round(server.peakRssMiB()),
    targetMs: 6000,
  })

  await cannon(`${server.origin}/api/products/?page=1`, 2) // warm up
  const idle = await cannon(`${server.origin}/api/products/?page=1`, 10)
  report('list-page1-500k', {
    reqPerSec: Math.round(idle.requests.average),
    p50: idle.latency.p50,
    p99: idle.latency.p99,
    errors: idle.errors + idle.non2xx,
    targetReqPerSec: 2000,
    targetP99: 20,
  })

  // 2. The same requests while a 500k-row import writes: empty the table, re-import, measure.
  await json('DELETE', `${server.origin}/api/products/delete_all/`)
  const importing = upload(server.origin, FILE_500K)
  const busy = await cannon(`${server.origin}/api/products/?page=1`, 6)
  const concurrent = await importing
  report('list-page1-during-import', {
    reqPerSec: Math.round(busy.requests.average),
    p50: busy.latency.p50,
    p99: busy.latency.p99,
    max: busy.latency.max,
    errors: busy.errors + busy.non2xx,
    importMs: concurrent.ms,
    importStatus: concurrent.job.status,
    targetP99: 250,
  })
  await server.stop()
}

// 3. Peak server RSS for a ~500 MB upload.
if (!skipBig) {
  if (!existsSync(FILE_BIG)) await writeProductsFile(BIG_ROWS, FILE_BIG)
  const server = await startServer('bench-http-')
  const { ms, job } = await upload(server.origin, FILE_BIG)
  report('upload-500mb', {
    mb: +(statSync(FILE_BIG).size / 1048576).toFixed(1),
    ms,
    status: job.status,
    rows: job.rows,
    peakRssMiB: Math.round(server.peakRssMiB()),
    targetPeakRssMiB: 200,
  })
  await server.stop()
}
