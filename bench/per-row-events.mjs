// What per-row webhook events cost an import: the same 500k-row first import, on SQLite and on
// PostgreSQL, without any webhook endpoint and with one endpoint opted in to per-row events
// (each batch records its created rows' events in its transaction). Runs alternate, each import
// in a process of its own; the first run with events then times expanding them into deliveries,
// as a dispatcher does after the import. Writes the `per-row-events` section of
// docs/benchmarks.md.
//   node bench/per-row-events.mjs [--rows 500000] [--runs 2] [--no-write]   (build first)
import { execFileSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { createWebhookSecret, importProducts } from '../packages/core/dist/index.js'
import { pgStorage } from '../packages/storage-pg/dist/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/dist/index.js'
import { startPostgres } from '../test/pg-server.mjs'
import { writeSection } from './doc-section.mjs'
import { writeProductsFile } from './generate.mjs'
import { START_FLAGS } from './node-flags.mjs'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    runs: { type: 'string', default: '2' },
    child: { type: 'string' },
    'per-row': { type: 'boolean', default: false },
    expand: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'pg-only': { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows)
const FILE = `bench/.data/products-${ROWS}.csv`

/** The child: one first import into `target` (a SQLite file or a PostgreSQL URL). */
async function importChild(target, perRow, expand) {
  const storage = target.startsWith('postgres')
    ? pgStorage({ connectionString: target })
    : sqliteStorage({ filename: target })
  await storage.migrate()
  if (perRow) {
    const at = new Date()
    await storage.createWebhookEndpoint({
      id: 'bench',
      url: 'https://hooks.example.com/products',
      eventTypes: [],
      active: true,
      description: '',
      secret: createWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      rateLimit: null,
      perRowEvents: true,
      failureCount: 0,
      failingSince: null,
      disabledReason: null,
      createdAt: at,
      updatedAt: at,
    })
  }
  const started = performance.now()
  const summary = await importProducts(FILE, { storage }).result()
  const ms = Math.round(performance.now() - started)
  let expandMs
  if (expand) {
    const expanding = performance.now()
    await storage.expandRowEvents()
    expandMs = Math.round(performance.now() - expanding)
  }
  await storage.close()
  console.log(JSON.stringify({ ms, expandMs, created: summary.created }))
}

function runChild(target, perRow, expand = false) {
  const args = [...START_FLAGS, 'bench/per-row-events.mjs', '--rows', String(ROWS)]
  args.push('--child', target, ...(perRow ? ['--per-row'] : []), ...(expand ? ['--expand'] : []))
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').at(-1))
}

/** Deliveries the run's expansion wrote, counted beside the adapter. */
async function countDeliveries(target) {
  const sql = 'select count(*) as n from webhook_deliveries'
  if (!target.startsWith('postgres')) {
    const db = new Database(target, { readonly: true })
    const { n } = db.prepare(sql).get()
    db.close()
    return n
  }
  const client = new pg.Client(target)
  await client.connect()
  const { rows } = await client.query(sql)
  await client.end()
  return Number(rows[0].n)
}

function freshSqlite() {
  const db = 'bench/.data/per-row.db'
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
  return db
}

async function freshPg(url) {
  const storage = pgStorage({ connectionString: url })
  await storage.migrate()
  await storage.close()
  const client = new pg.Client(url)
  await client.connect()
  await client.query(
    'truncate products, import_jobs, webhook_endpoints, webhook_row_events cascade',
  )
  await client.query('vacuum')
  await client.end()
  return url
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Alternates runs without and with the opted-in endpoint; returns the table row. */
async function measure(label, fresh) {
  const plain = []
  const events = []
  let delivered
  for (let i = 0; i < Number(values.runs); i++) {
    plain.push(runChild(await fresh(), false).ms)
    const target = await fresh()
    const run = runChild(target, true, i === 0)
    events.push(run.ms)
    delivered ??= {
      created: run.created,
      deliveries: await countDeliveries(target),
      expandMs: run.expandMs,
    }
  }
  const ratio = median(events) / median(plain)
  const cell = (xs) => `${median(xs)} ms (${xs.join(', ')})`
  console.log(label, { plain, events, ratio, delivered })
  const expansion = `${delivered.expandMs} ms (${delivered.deliveries.toLocaleString('en-US')} deliveries)`
  return `| ${label} | ${cell(plain)} | ${cell(events)} | ${ratio.toFixed(2)}x | <= 1.3x | ${expansion} |`
}

if (values.child) {
  await importChild(values.child, values['per-row'], values.expand)
} else {
  if (!existsSync(FILE)) await writeProductsFile(ROWS, FILE)
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version} with \`${START_FLAGS.join(' ')}\`; first import of ${ROWS.toLocaleString('en-US')} generated rows into an empty database, median of ${values.runs} runs each (all runs in brackets), runs alternating.`,
    '',
    "| database | no endpoint | one endpoint opted in to per-row events | ratio | target | expanding the first run's events, after it |",
    '| --- | --- | --- | --- | --- | --- |',
  ]
  if (!values['pg-only']) lines.push(await measure('SQLite', async () => freshSqlite()))
  const server = await startPostgres({ durable: true })
  try {
    lines.push(await measure('PostgreSQL 15', () => freshPg(server.url)))
  } finally {
    await server.stop()
  }
  const text = lines.join('\n')
  console.log(text)
  if (!values['no-write']) writeSection('per-row-events', text)
}
