import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ConformanceTarget } from '@product-importer/adapter-tests'
import { type PgStorage, pgStorage } from '@product-importer/storage-pg'
import pg from 'pg'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    pgTestUrl: string
  }
}

/** The run's PostgreSQL (see test/global-setup.ts); empty when none could be found locally. */
export const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''

/** `url` with every connection's search_path set to `schema` (pg_trgm stays in public). */
export function inSchema(url: string, schema: string): string {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema},public`)
  return u.toString()
}

/** `?` placeholders as `$1`, `$2`, ... */
const numbered = (sql: string) => {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** An empty schema of its own, dropped by `drop()`. */
export async function createSchema(url = PG_URL) {
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client(url)
  await admin.connect()
  await admin.query(`create schema ${name}`)
  const schemaUrl = inSchema(url, name)
  const client = new pg.Client(schemaUrl)
  await client.connect()
  return {
    name,
    url: schemaUrl,
    /** Runs SQL beside the adapter, in the same schema. */
    async raw(sql: string, params: unknown[] = []) {
      return (await client.query(numbered(sql), params)).rows as Record<string, unknown>[]
    },
    async drop() {
      await client.end()
      await admin.query(`drop schema ${name} cascade`)
      await admin.end()
    },
  }
}

/** A migrated storage in a fresh schema, for the conformance suite and the tests here. */
export async function createTarget(): Promise<
  ConformanceTarget & { storage: PgStorage; url: string }
> {
  const schema = await createSchema()
  const storage = pgStorage({ connectionString: schema.url })
  return {
    storage,
    url: schema.url,
    raw: schema.raw,
    async close() {
      await storage.close()
      await schema.drop()
    },
  }
}

/** Resolves once `check` holds, checking every 25 ms for at most 5 s. */
export async function waitFor(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await sleep(25)
  }
  throw new Error('timed out')
}
