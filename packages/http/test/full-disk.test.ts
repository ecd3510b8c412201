import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import {
  generatedCsv,
  type Json,
  jsonInit,
  SAMPLE_CSV,
  startServer,
  waitForJob,
} from './_server.js'

const mounted: string[] = []
afterAll(() => {
  for (const dir of mounted) {
    execFileSync('umount', [dir])
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * A real file system of `megabytes` (a tmpfs, which needs root), so a disk fills up as it does
 * in production; undefined where this machine cannot mount one.
 */
function smallFileSystem(megabytes: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'product-importer-full-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], {
      stdio: 'ignore',
    })
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
  mounted.push(dir)
  return dir
}

const staging = smallFileSystem(2)
const database = smallFileSystem(3)
const cannot = 'mounting a small tmpfs needs root, which this machine does not give'

describe('a full disk', () => {
  it.skipIf(!staging)(
    'answers 507 STAGING_FULL to an upload that fills the staging folder, keeps nothing of it, and goes on serving',
    async () => {
      const dir = staging as string
      const t = await startServer({ staging: { dir } })
      // About 6 MB of CSV, streamed, into a 2 MB file system.
      const res = await t.api('/api/uploads/?filename=big.csv', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: Readable.toWeb(Readable.from(generatedCsv(50_000))) as ReadableStream,
        duplex: 'half',
      } as RequestInit)
      const body = (await res.json()) as Json
      expect(res.status).toBe(507)
      expect(body.error.code).toBe('STAGING_FULL')
      expect(body.error.message).toContain('no room left to stage the upload')
      expect(body.error.details.bytes_written).toBeGreaterThan(1024 * 1024)
      // The partial file is gone, and its space with it.
      expect(readdirSync(dir)).toEqual([])
      const free = statfsSync(dir)
      expect(free.bfree).toBe(free.blocks)
      expect(((await (await t.api('/api/uploads/')).json()) as Json).items).toEqual([])

      // The server goes on: a file that fits is staged and imported.
      const staged = await t.api('/api/uploads/?filename=small.csv', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: SAMPLE_CSV,
      })
      expect(staged.status).toBe(201)
      const { upload_id } = (await staged.json()) as Json
      const started = (await (
        await t.api('/api/import/', jsonInit('POST', { upload_id }))
      ).json()) as Json
      expect((await waitForJob(t, started.job_id)).status).toBe('completed')
      const products = (await (await t.api('/api/products/')).json()) as Json
      expect(products.items.map((p: Json) => p.sku).sort()).toEqual(['SKU001', 'SKU002'])
    },
  )

  it.skipIf(!database)(
    'refuses an import that fills the disk under the SQLite database as a database error, keeping whole batches and an intact file',
    async () => {
      const filename = join(database as string, 'products.db')
      const t = await startServer(
        { importOptions: { batchSize: 2000 } },
        { storage: sqliteStorage({ filename }) },
      )
      // About 12 MB of products (with their indexes) into a 3 MB file system.
      const res = await t.api('/api/import/', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: Readable.toWeb(Readable.from(generatedCsv(60_000))) as ReadableStream,
        duplex: 'half',
      } as RequestInit)
      // The upload ends with the import, which fails: a database error, naming its job.
      const answer = (await res.json()) as Json
      expect({ status: res.status, code: answer.error.code }).toEqual({
        status: 500,
        code: 'STORAGE_FAILED',
      })
      expect(answer.error.details.job_id).toMatch(/^[0-9a-f-]{36}$/)

      // The server still answers, with whole batches only.
      const list = await t.api('/api/products/?page_size=1')
      expect(list.status).toBe(200)
      const total = ((await list.json()) as Json).total as number
      expect(total % 2000).toBe(0)
      expect(total).toBeGreaterThan(0)
      expect(total).toBeLessThan(60_000)

      // The file is intact, read by a connection of its own.
      const check = new Database(filename, { readonly: true })
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
        expect(check.prepare('select count(*) as n from products').get()).toEqual({ n: total })
      } finally {
        check.close()
      }
    },
  )

  // Found by the test above: the job's end (status, error, finished_at) makes its row longer,
  // and on a full disk SQLite has no page for it; a fresh connection's write is refused too.
  // In about half the runs the job stays `running` until the next start marks it interrupted.
  it.todo('ends the job failed, with the cause, when the disk under the SQLite database is full')

  it.runIf(!staging || !database)(`is not tested here: ${cannot}`, () => {})
})
