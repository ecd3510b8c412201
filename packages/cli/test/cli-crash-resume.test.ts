import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createProductImporter, type ImporterStorage } from '@product-importer/core'
import { pgStorage } from '@product-importer/storage-pg'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { exportOf } from '../../core/test/helpers.js'
import { startImport } from './_cli.js'

const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''
/** Kills a database: with both, the suite kills at least 10 imports. */
const KILLS = 5
const BATCH = 250

/**
 * 20,000 records of 12,500 SKUs (the last 7,500 update earlier SKUs, so the last row of a SKU
 * must win across every resume), every 7th description quoted over two lines so that record
 * boundaries and line numbers differ.
 */
const RECORDS = 20_000
const skuOf = (i: number) => `K-${i % 12_500}`
const csv = `sku,name,price,description\n${Array.from({ length: RECORDS }, (_, i) => {
  const description = i % 7 === 0 ? `"first line ${i}\nsecond, line"` : `plain ${i}`
  return `${skuOf(i)},Item ${i},${(i % 500) + 0.25},${description}`
}).join('\n')}\n`

const dir = mkdtempSync(join(tmpdir(), 'product-importer-crash-'))
const file = join(dir, 'products.csv')
writeFileSync(file, csv)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Distinct SKUs among the first `records` records: the products whole batches leave. */
function productsAfter(records: number): number {
  const seen = new Set<string>()
  for (let i = 0; i < records; i++) seen.add(skuOf(i))
  return seen.size
}
/** Product counts the file can leave after whole batches, and only those. */
const WHOLE_BATCHES = new Set(
  Array.from({ length: Math.ceil(RECORDS / BATCH) + 1 }, (_, k) =>
    productsAfter(Math.min(k * BATCH, RECORDS)),
  ),
)

/** A seeded generator, so a failing run can be told apart and repeated. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

interface Target {
  args: string[]
  open(): ImporterStorage
  cleanup(): Promise<void>
}

async function targetOf(kind: 'sqlite' | 'postgresql'): Promise<Target> {
  if (kind === 'sqlite') {
    const db = join(dir, `${randomBytes(4).toString('hex')}.db`)
    return {
      args: ['--db', db],
      open: () => sqliteStorage({ filename: db }),
      cleanup: async () => {},
    }
  }
  const schema = `crash_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client(PG_URL)
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const url = new URL(PG_URL)
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return {
    args: ['--database-url', url.toString()],
    open: () => pgStorage({ connectionString: url.toString() }),
    cleanup: async () => {
      await admin.query(`drop schema ${schema} cascade`)
      await admin.end()
    },
  }
}

/** Starts the CLI on the file; resolves once it has named its job, with the job id. */
const startFileImport = (args: string[]) =>
  startImport([file, '--batch-size', String(BATCH), ...args])

async function cleanExport(): Promise<string> {
  const db = join(dir, `clean-${randomBytes(4).toString('hex')}.db`)
  const clean = createProductImporter({ storage: sqliteStorage({ filename: db }) })
  await clean.imports.run((await clean.imports.create()).id, file)
  const text = await exportOf(clean)
  await clean.close()
  return text
}

const KINDS: ['SQLite' | 'PostgreSQL', 'sqlite' | 'postgresql'][] = [
  ['SQLite', 'sqlite'],
  ...(PG_URL ? [['PostgreSQL', 'postgresql'] as ['PostgreSQL', 'postgresql']] : []),
]

describe.each(KINDS)('a CLI import killed with SIGKILL on %s', (_label, kind) => {
  it(`loses no committed batch, leaves no job running, and resumes to the clean result (${KILLS} kills)`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000)
    const next = random(seed)
    const story: string[] = [`seed ${seed}`]
    const target = await targetOf(kind)
    try {
      let jobId: string | undefined
      let kills = 0
      const deadline = Date.now() + 100_000
      while (kills < KILLS) {
        if (Date.now() > deadline)
          throw new Error(`too slow to kill ${KILLS} times:\n${story.join('\n')}`)
        const started = await startFileImport([
          ...target.args,
          ...(jobId ? ['--resume', jobId] : []),
        ])
        jobId = started.jobId
        // Anywhere from before the first batch to well into the file.
        const delay = Math.round(next() * 500)
        await new Promise((resolve) => setTimeout(resolve, delay))
        // A run that already ended has no exit event left to wait for.
        const ended = started.child.exitCode !== null
        const exited = ended ? Promise.resolve() : once(started.child, 'exit')
        const killed = !ended && started.child.kill('SIGKILL')
        await exited
        // A run that ended before the kill leaves a finished job: start the chain again.
        const restarted = createProductImporter({ storage: target.open(), heartbeatTimeoutMs: 1 })
        const job = (await restarted.imports.get(jobId))!
        const products = await restarted.products.count()
        story.push(`kill after ${delay} ms: ${job.status}, ${job.rows} rows, ${products} products`)
        await restarted.close()
        if (job.status === 'completed') {
          jobId = undefined
          continue
        }
        if (killed) kills++
        // No job is left running, and every batch it counted is there, whole.
        expect(job.status, story.join('\n')).toBe('interrupted')
        expect(products, story.join('\n')).toBeGreaterThanOrEqual(productsAfter(job.rows))
        expect(WHOLE_BATCHES.has(products), story.join('\n')).toBe(true)
      }
      // The last resume runs to the end.
      const last = await startFileImport([...target.args, '--resume', jobId!])
      const [code] = await once(last.child, 'exit')
      expect(code, story.join('\n')).toBe(0)
      const importer = createProductImporter({ storage: target.open() })
      expect(await importer.imports.get(jobId!)).toMatchObject({
        status: 'completed',
        rows: RECORDS,
      })
      expect(await exportOf(importer), story.join('\n')).toBe(await cleanExport())
      const history = await importer.imports.list()
      expect(history.every((job) => job.status !== 'running' && job.status !== 'pending')).toBe(
        true,
      )
      await importer.close()
    } finally {
      await target.cleanup()
    }
  }, 120_000)
})
