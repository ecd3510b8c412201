// Catalog pages under load: 20 clients at once (autocannon, keep-alive) against the importer's
// list API on SQLite and on PostgreSQL at a large catalog, each request alternating round by
// round with its reference, the same page without its total (and on PostgreSQL with the page
// as it was before the totals table: a count(*) beside it). Writes the `load` section of
// docs/benchmarks.md.
//   node bench/load.mjs [--rows 200000] [--duration 5] [--rounds 2] [--only sqlite|pg] [--no-write]
import { spawn } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { request } from 'undici'
import { startPostgres } from '../test/pg-server.mjs'
import { writeSection } from './doc-section.mjs'
import { writeProductsFile } from './generate.mjs'
import { START_FLAGS } from './node-flags.mjs'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows)
const DURATION = Number(values.duration)
const ROUNDS = Number(values.rounds)
const CONNECTIONS = Number(values.connections)
const FILE = `bench/.data/products-${ROWS}.csv`
// The same SKUs with other names, descriptions and prices: a re-import that updates every row.
const CHANGED = `bench/.data/products-${ROWS}-seed-7.csv`
/** The requests measured again while that re-import runs. */
const DURING_IMPORT = ['', 'active=true', 'name=lamp']
const LOAD_AT_START = loadavg()[0]

/** The requests measured: a page of 20 with its total, as the UI asks for it. */
const REQUESTS = [
  { label: 'plain page', query: '' },
  { label: '`active=true`', query: 'active=true' },
  { label: '`sku=0012345`', query: 'sku=0012345' },
  { label: '`name=lamp`', query: 'name=lamp' },
  { label: '`name=zqxw` (no match)', query: 'name=zqxw' },
  { label: '`q=lamp`', query: 'q=lamp' },
]

/** Starts bench/load-server.mjs with `args`; resolves with its origin and `stop()`. */
async function startServer(args) {
  const child = spawn(process.execPath, [...START_FLAGS, 'bench/load-server.mjs', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  const origin = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)))
  })
  return {
    origin,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    },
  }
}

/** One autocannon run of `url`. */
async function measure(url) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION })
  // Backlog a run leaves (cancelled queries, queued searches) must not fall into the next one.
  await sleep(500)
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  }
}

/** Uploads `file` raw; resolves with a promise of the job's end (polled every 100 ms). */
async function startImport(origin, file) {
  const res = await request(`${origin}/api/import/`, {
    method: 'POST',
    body: createReadStream(file),
    headers: { 'content-type': 'text/csv', 'content-length': String(statSync(file).size) },
  })
  const body = await res.body.json()
  if (res.statusCode !== 202) throw new Error(`upload answered ${res.statusCode}`)
  return (async () => {
    for (let i = 0; i < 6000; i++) {
      const job = await (await request(`${origin}${body.progress_url}`)).body.json()
      if (['completed', 'failed', 'cancelled'].includes(job.status)) {
        return { ...job, endedAt: performance.now() }
      }
      await sleep(100)
    }
    throw new Error('the import did not end within 10 minutes')
  })()
}

/**
 * The requests of {@link DURING_IMPORT} while a re-import of {@link CHANGED} (or the first file,
 * alternately) runs: one import per request, the measurement starting with its upload.
 */
async function measureDuringImport(origin) {
  const results = {}
  for (const [i, query] of DURING_IMPORT.entries()) {
    const ended = await startImport(origin, i % 2 ? FILE : CHANGED)
    const started = performance.now()
    results[query] = await measure(`${origin}/api/products/?${query}`)
    const job = await ended
    results[query].importMs = Math.round(job.endedAt - started)
    results[query].updated = job.updated
    console.error('during import', query || '(plain)', JSON.stringify(results[query]))
  }
  return results
}

/** Every request's runs: the API and its references alternating, `ROUNDS` times. */
async function measureAll(origin, variants) {
  const results = REQUESTS.map(() => Object.fromEntries(variants.map((v) => [v, []])))
  // Caches warm and the import's aftermath settled before anything counts.
  for (const { query } of REQUESTS) {
    await autocannon({
      url: `${origin}/api/products/?${query}`,
      connections: CONNECTIONS,
      duration: 1,
    })
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { query }] of REQUESTS.entries()) {
      for (const variant of variants) {
        if (variant === 'before' && !['', 'active=true'].includes(query)) continue
        const path = variant === 'api' ? '/api/products/' : `/${variant}/products/`
        const run = await measure(`${origin}${path}?${query}`)
        results[i][variant].push(run)
        console.error(variant, query || '(plain)', JSON.stringify(run))
      }
    }
  }
  return results
}

const mean = (runs, key) => runs.reduce((sum, r) => sum + r[key], 0) / runs.length
const n = (x) => Math.round(x).toLocaleString('en-US')
const cell = (runs) =>
  runs.length === 0
    ? '|  |  |'
    : `| ${n(mean(runs, 'rps'))} | ${n(mean(runs, 'p50'))} / ${n(Math.max(...runs.map((r) => r.p99)))} ms | ${errorShare(runs)} |`
function errorShare(runs) {
  const errors = runs.reduce((sum, r) => sum + r.errors, 0)
  const requests = runs.reduce((sum, r) => sum + r.requests, 0)
  return errors === 0 ? '0' : `${((100 * errors) / Math.max(requests, 1)).toFixed(1)}%`
}

function duringTable(idle, during) {
  const lines = [
    '',
    '',
    `While a re-import that updates every product runs (one import per request; the measurement starts with the upload):`,
    '',
    '| request | req/s | p50 / p99 | errors | idle p99 | p99 / idle p99 | import ended within | products updated |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const query of DURING_IMPORT) {
    const run = during[query]
    const label = REQUESTS.find((r) => r.query === query).label
    const idleRuns = idle[REQUESTS.findIndex((r) => r.query === query)].api
    const idleP99 = Math.max(...idleRuns.map((r) => r.p99))
    lines.push(
      `| ${label} ${cell([run])} ${n(idleP99)} ms | ${(run.p99 / idleP99).toFixed(2)}x | ${(run.importMs / 1000).toFixed(1)} s | ${n(run.updated)} |`,
    )
  }
  return lines.join('\n')
}

function table(database, results) {
  const hasBefore = results.some((r) => r.before?.length)
  const lines = [
    `**${database}**`,
    '',
    `| request | req/s | p50 / p99 | errors | reference req/s | reference p50 / p99 | reference errors | ratio |${hasBefore ? ' before req/s | before p50 / p99 | before errors |' : ''}`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |${hasBefore ? ' --- | --- | --- |' : ''}`,
  ]
  for (const [i, { label }] of REQUESTS.entries()) {
    const r = results[i]
    const ratio = (mean(r.api, 'rps') / mean(r.reference, 'rps')).toFixed(2)
    lines.push(
      `| ${label} ${cell(r.api)} ${cell(r.reference).slice(1)} ${ratio}x |${hasBefore ? ` ${cell(r.before ?? []).slice(1)}` : ''}`,
    )
  }
  return lines.join('\n')
}

async function sqliteRun() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'))
  const server = await startServer(['--db', join(dir, 'products.db'), '--import', FILE])
  try {
    const idle = await measureAll(server.origin, ['api', 'reference'])
    return table('SQLite', idle) + duringTable(idle, await measureDuringImport(server.origin))
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function pgRun() {
  const pg = await startPostgres({ durable: true, settings: { shared_buffers: '512MB' } })
  try {
    const server = await startServer(['--database-url', pg.url, '--import', FILE])
    try {
      const idle = await measureAll(server.origin, ['api', 'reference', 'before'])
      return (
        table('PostgreSQL 15', idle) + duringTable(idle, await measureDuringImport(server.origin))
      )
    } finally {
      await server.stop()
    }
  } finally {
    await pg.stop()
  }
}

if (!existsSync(FILE)) await writeProductsFile(ROWS, FILE)
if (!existsSync(CHANGED)) await writeProductsFile(ROWS, CHANGED, 7)
const sections = []
if (!values.only || values.only === 'sqlite') sections.push(await sqliteRun())
if (!values.only || values.only === 'pg') sections.push(await pgRun())
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
const text = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpu}), Node ${process.version}; ${n(ROWS)} rows of the generated file imported first (PostgreSQL: then \`VACUUM ANALYZE\`), a 1 s warm-up of each request; ${CONNECTIONS} connections (keep-alive), ${DURATION} s a run, ${ROUNDS} rounds with each request, its reference and (PostgreSQL) its "before" alternating; req/s and p50 are means of the rounds, p99 the worst round. Load average at the start: ${LOAD_AT_START.toFixed(1)} (other work shared the cores; compare ratios within a run, not across runs).`,
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n')
console.log(text)
if (!values['no-write']) writeSection('load', text.trimEnd())
