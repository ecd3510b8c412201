import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
// @ts-expect-error plain JS module shared with bench/pg.mjs
import { startPostgres } from '../../../test/pg-server.mjs'
import { serve, startImport } from './_cli.js'

const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''

/** `rows` rows of `skus` SKUs: the rows past `skus` repeat earlier ones, and their name wins. */
const csvOf = (rows: number, skus: number) =>
  `sku,name,quantity\n${Array.from({ length: rows }, (_, i) => `C-${i % skus},Row ${i},${i}`).join('\n')}\n`
/** For the CLI, in batches of 1,000. */
const ROWS = 40_000
const SKUS = 25_000
const csv = csvOf(ROWS, SKUS)

interface Server {
  url: string
  restart(options?: { downMs?: number }): Promise<number>
  stop(): Promise<void>
}

/** Resolves once `check` holds, checking every 20 ms for at most 30 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('timed out')
}

// A server of its own: restarting it must not cut off the other test files' connections.
describe.skipIf(!PG_URL)('the CLI across a PostgreSQL restart', () => {
  let server: Server
  let file: string
  let dir: string
  beforeAll(async () => {
    server = await startPostgres()
    dir = mkdtempSync(join(tmpdir(), 'product-importer-restart-'))
    file = join(dir, 'products.csv')
    writeFileSync(file, csv)
  }, 30_000)
  afterAll(async () => {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A fresh database and a query on it that answers undefined while the server is away. */
  async function database(name: string) {
    const admin = new pg.Client(server.url)
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = server.url.replace(/\/[^/]+$/, `/${name}`)
    const query = async <T>(sql: string): Promise<T[] | undefined> => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
      try {
        await client.connect()
        return (await client.query(sql)).rows as T[]
      } catch {
        return undefined
      } finally {
        await client.end().catch(() => {})
      }
    }
    return { url, query }
  }

  /** The job's status, rows and error once the server answers. */
  const jobOf = (db: Awaited<ReturnType<typeof database>>, id: string) =>
    db.query<{
      status: string
      rows: number
      error_code: string | null
      error_message: string | null
      finished_at: Date | null
    }>(
      `select status, rows, error_code, error_message, finished_at from import_jobs where id = '${id}'`,
    )

  it('import goes on across a restart and completes with exactly the file', async () => {
    const db = await database('cli_across')
    const run = await startImport(['--database-url', db.url, '--batch-size', '1000', file])
    let stderr = ''
    run.child.stderr!.on('data', (chunk) => (stderr += chunk))
    // Restarted while the job runs, with some of its batches in.
    await until(async () => ((await jobOf(db, run.jobId))?.[0]?.rows ?? 0) >= 5_000)
    const before = (await jobOf(db, run.jobId))![0]!
    const restartedAt = new Date()
    await server.restart()
    const [code] = (await run.exited) as [number]
    expect({ code, stderr }).toMatchObject({ code: 0 })
    expect(before.status).toBe('running')
    expect(before.rows).toBeLessThan(ROWS)
    const [job] = (await jobOf(db, run.jobId))!
    expect(job).toMatchObject({ status: 'completed', rows: ROWS, error_code: null })
    // Finished after the server went away: the import crossed the restart.
    expect(job!.finished_at!.getTime()).toBeGreaterThan(restartedAt.getTime())
    const [counts] = (await db.query<Record<string, number>>(
      `select created, updated, unchanged, invalid, duplicates_in_file from import_jobs where id = '${run.jobId}'`,
    ))!
    expect(counts).toEqual({
      created: SKUS,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      duplicates_in_file: ROWS - SKUS,
    })
    const [last] = (await db.query<{ name: string }>(
      "select name from products where sku = 'C-0'",
    ))!
    expect(last!.name).toBe(`Row ${SKUS}`)
  }, 60_000)

  it('import records its job failed with the cause once the database is back, past its wait', async () => {
    const db = await database('cli_failed')
    const run = await startImport([
      '--database-url',
      db.url,
      '--batch-size',
      '1000',
      '--database-wait',
      '2',
      file,
    ])
    let stderr = ''
    run.child.stderr!.on('data', (chunk) => (stderr += chunk))
    await until(async () => ((await jobOf(db, run.jobId))?.[0]?.rows ?? 0) >= 5_000)
    // Away for 2.5 s: longer than the writer waits (2 s), within the wait for the job's end.
    const restarted = server.restart({ downMs: 2500 })
    const [code] = (await run.exited) as [number]
    await restarted
    expect(code).toBe(1)
    // The batch in flight or a job write (the progress the CLI records) finds the outage
    // first, whichever the scheduler runs first: both wait out the same 2 s and say so.
    const cause =
      /^PostgreSQL (import batch failed: terminating connection due to administrator command|job write failed: .*); the server did not answer again within 2 s/
    const printed = /error: DATABASE_UNAVAILABLE: (.*)/.exec(stderr)?.[1]
    expect(printed).toMatch(cause)
    const [job] = (await jobOf(db, run.jobId))!
    expect(job).toMatchObject({
      status: 'failed',
      error_code: 'DATABASE_UNAVAILABLE',
      error_message: expect.stringMatching(cause),
    })
    expect(job!.rows % 1000).toBe(0)
  }, 60_000)

  it('serve: an upload across a restart completes with exactly the file', async () => {
    // Batches of 10,000 over HTTP: a file long enough to be restarted under.
    const rows = 200_000
    const skus = 150_000
    const db = await database('serve_across')
    const serving = await serve(['--database-url', db.url])
    try {
      const upload = await fetch(`${serving.origin}/api/import/`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csvOf(rows, skus),
      })
      expect(upload.status).toBe(202)
      const { job_id: id } = (await upload.json()) as { job_id: string }
      const job = async () =>
        (await (await fetch(`${serving.origin}/api/import/${id}/`)).json()) as Record<
          string,
          unknown
        >
      await until(async () => ((await jobOf(db, id))?.[0]?.rows ?? 0) >= 20_000)
      const before = (await jobOf(db, id))![0]!
      const restartedAt = new Date()
      await server.restart()
      expect(before).toMatchObject({ status: 'running' })
      expect(before.rows).toBeLessThan(rows)
      await until(
        async () =>
          (await job().catch(() => ({}) as Record<string, unknown>)).status === 'completed',
      )
      expect(await job()).toMatchObject({
        status: 'completed',
        rows,
        created: skus,
        updated: 0,
        unchanged: 0,
        invalid: 0,
        duplicates_in_file: rows - skus,
        error: null,
      })
      const [row] = (await jobOf(db, id))!
      expect(row!.finished_at!.getTime()).toBeGreaterThan(restartedAt.getTime())
    } finally {
      serving.child.kill('SIGTERM')
      await once(serving.child, 'exit')
    }
  }, 60_000)
})
