// Webhook delivery benchmark of issue 10: deliveries per second from one dispatcher to a
// receiver on 127.0.0.1, on SQLite and on PostgreSQL, and three dispatcher processes on one
// PostgreSQL draining 20,000 queued deliveries, each counted at the receiver (delivered exactly
// once?). Starts a throwaway PostgreSQL unless PG_BENCH_URL names a database it may wipe.
// Writes the `webhooks` section of docs/benchmarks.md unless --no-write.
//   node bench/webhooks.mjs [--deliveries 10000] [--shared 20000] [--no-write]   (build first)
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createDeliveryLimiter,
  createUuidV7,
  createWebhookDispatcher,
  createWebhookSecret,
  createWebhookSender,
  toOutboxEvent,
} from '../packages/core/dist/index.js'
import { pgStorage } from '../packages/storage-pg/dist/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/dist/index.js'
import { startPostgres } from '../test/pg-server.mjs'
import { writeSection } from './doc-section.mjs'

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '10000' },
    shared: { type: 'string', default: '20000' },
    instances: { type: 'string', default: '3' },
    child: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
})

// One endpoint receives everything; the default per-endpoint cap (4 in flight) would measure
// the round trip of four sockets, not the dispatcher, so the benchmark raises both caps.
const LIMITS = { concurrency: 64, perEndpointConcurrency: 64 }
const BATCH = 200

/** One dispatcher over `storage`, sending to 127.0.0.1 only. */
function dispatcherOver(storage, instanceId) {
  const sender = createWebhookSender({ guard: { allowHttp: true, allowHosts: ['127.0.0.1'] } })
  const dispatcher = createWebhookDispatcher({
    storage,
    sender,
    limiter: createDeliveryLimiter(LIMITS),
    batchSize: BATCH,
    instanceId,
  })
  return {
    dispatcher,
    close: async () => {
      await dispatcher.close()
      await sender.close()
    },
  }
}

/** An endpoint for `url` and `n` queued `product.created` deliveries to it. */
async function queue(storage, url, n) {
  const now = new Date()
  await storage.createWebhookEndpoint({
    id: createUuidV7()(),
    url,
    eventTypes: [],
    active: true,
    description: 'benchmark',
    secret: createWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    rateLimit: null,
    perRowEvents: false,
    failureCount: 0,
    failingSince: null,
    disabledReason: null,
    createdAt: now,
    updatedAt: now,
  })
  for (let start = 0; start < n; start += 1000) {
    const events = []
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const sku = `SKU-${i}`
      events.push(
        toOutboxEvent('product.created', { id: String(i), sku, name: `Product ${i}` }, now),
      )
    }
    await storage.enqueueEvents(events)
  }
}

/** A receiver answering 204 that counts each webhook-id. */
async function startCountingReceiver() {
  const seen = new Map()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const id = req.headers['webhook-id']
      seen.set(id, (seen.get(id) ?? 0) + 1)
      res.writeHead(204).end()
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

async function wipe(url) {
  const pg = (await import('pg')).default
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('drop schema public cascade; create schema public')
  await client.end()
}

/** Drains the outbox with one dispatcher; deliveries per second. */
async function single(storage, receiver, n) {
  await storage.migrate()
  await queue(storage, receiver.url, n)
  const { dispatcher, close } = dispatcherOver(storage, 'bench')
  const started = performance.now()
  const sent = await dispatcher.drain()
  const ms = performance.now() - started
  await close()
  return { sent, ms: Math.round(ms), perSecond: Math.round((sent / ms) * 1000) }
}

// A child: one dispatcher on PostgreSQL that drains what it can claim, then prints its count.
if (values.child) {
  const storage = pgStorage({ connectionString: values.child })
  const { dispatcher, close } = dispatcherOver(storage, `bench-${process.pid}`)
  const sent = await dispatcher.drain()
  await close()
  await storage.close()
  console.log(JSON.stringify({ sent }))
  process.exit(0)
}

const N = Number(values.deliveries)
const SHARED = Number(values.shared)
const INSTANCES = Number(values.instances)
const cpu = execFileSync('sh', ['-c', "lscpu | grep 'Model name' | sed 's/.*: *//'"], {
  encoding: 'utf8',
}).trim()

const results = {}
const dir = mkdtempSync(join(tmpdir(), 'product-importer-webhooks-'))
try {
  let receiver = await startCountingReceiver()
  const sqlite = sqliteStorage({ filename: join(dir, 'bench.db') })
  results.sqlite = await single(sqlite, receiver, N)
  await sqlite.close()
  await receiver.close()
  console.log('sqlite', results.sqlite)

  const server = process.env.PG_BENCH_URL ? undefined : await startPostgres({ durable: true })
  const url = process.env.PG_BENCH_URL ?? server.url
  try {
    await wipe(url)
    receiver = await startCountingReceiver()
    const pg = pgStorage({ connectionString: url })
    results.pg = await single(pg, receiver, N)
    await pg.close()
    await receiver.close()
    console.log('pg', results.pg)

    await wipe(url)
    receiver = await startCountingReceiver()
    const shared = pgStorage({ connectionString: url })
    await shared.migrate()
    await queue(shared, receiver.url, SHARED)
    await shared.close()
    const started = performance.now()
    const children = Array.from({ length: INSTANCES }, () => {
      const child = spawn(process.execPath, ['bench/webhooks.mjs', '--child', url], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout.on('data', (c) => (out += c))
      return once(child, 'exit').then(() => JSON.parse(out.trim().split('\n').at(-1)).sent)
    })
    const counts = await Promise.all(children)
    const ms = performance.now() - started
    const twice = [...receiver.seen.values()].filter((n) => n > 1).length
    results.shared = {
      counts,
      received: receiver.seen.size,
      twice,
      ms: Math.round(ms),
      perSecond: Math.round((receiver.seen.size / ms) * 1000),
    }
    await receiver.close()
    console.log('shared', results.shared)
  } finally {
    await server?.stop()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const date = new Date().toISOString().slice(0, 10)
// Other work on the machine moves these figures a lot: the load at the end says how busy it was.
const load = loadavg()
  .slice(0, 2)
  .map((x) => x.toFixed(1))
  .join(' / ')
const n = (x) => x.toLocaleString('en-US')
const text = [
  `Measured ${date} on ${cpu} (2 cores), Node ${process.version}; PostgreSQL 15 with fsync on. One endpoint, a receiver on 127.0.0.1 answering 204, dispatchers with \`concurrency: 64\`, \`perEndpointConcurrency: 64\`, batches of ${BATCH}; every delivery signed and its attempt recorded. Times include the dispatcher's claims and the attempt records, not the enqueueing. Load average at the end (1 / 5 min): ${load}.`,
  '',
  '| scenario | deliveries | time | deliveries/s | target |',
  '| --- | --- | --- | --- | --- |',
  `| one dispatcher, SQLite | ${n(results.sqlite.sent)} | ${results.sqlite.ms} ms | ${n(results.sqlite.perSecond)} | >= 2,000/s |`,
  `| one dispatcher, PostgreSQL | ${n(results.pg.sent)} | ${results.pg.ms} ms | ${n(results.pg.perSecond)} | >= 2,000/s |`,
  `| ${INSTANCES} dispatcher processes, one PostgreSQL | ${n(results.shared.received)} of ${n(SHARED)} (${results.shared.counts.map(n).join(' + ')}), ${results.shared.twice} received twice | ${results.shared.ms} ms (with process start) | ${n(results.shared.perSecond)} | each exactly once |`,
].join('\n')
console.log(text)
if (!values['no-write']) writeSection('webhooks', text)
