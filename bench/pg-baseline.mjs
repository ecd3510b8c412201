// The raw PostgreSQL baseline of bench/pg.mjs: what a hand-written loader does without this
// project. It streams the file through csv-parse, collects 10,000 rows, and upserts them with one
// `INSERT ... SELECT FROM unnest(...) ON CONFLICT (sku_key) DO UPDATE`, one transaction a batch,
// into the schema `migrate()` creates (every index, trigram ones included). It updates every row
// it meets again, changed or not, as such a loader does.
import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'
import { createUuidV7, skuKey } from '../packages/core/dist/index.js'

const UPSERT = `
  insert into products (id, sku, sku_key, name, description, price_cents, quantity, active,
    created_at, updated_at)
  select *, now(), now() from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
    $6::bigint[], $7::int[], $8::boolean[])
  on conflict (sku_key) do update set sku = excluded.sku, name = excluded.name,
    description = excluded.description, price_cents = excluded.price_cents,
    quantity = excluded.quantity, active = excluded.active, updated_at = excluded.updated_at`

/**
 * Loads `file` into the products table over `client` and resolves with the milliseconds it took,
 * parsing included. A batch holds each SKU key once (the last row), because one upsert statement
 * may not touch a row twice.
 */
export async function naiveUnnestLoad(client, file, batchSize = 10_000) {
  const nextId = createUuidV7()
  const started = performance.now()
  let batch = new Map()
  let rows = 0
  const flush = async () => {
    const values = [...batch.values()]
    batch = new Map()
    const col = (i) => values.map((v) => v[i])
    await client.query('begin')
    await client.query(UPSERT, [0, 1, 2, 3, 4, 5, 6, 7].map(col))
    await client.query('commit')
  }
  const parser = createReadStream(file).pipe(parse({ columns: true }))
  for await (const r of parser) {
    const key = skuKey(r.sku)
    batch.delete(key)
    batch.set(key, [
      nextId(),
      r.sku,
      key,
      r.name,
      r.description,
      Math.round(Number(r.price) * 100),
      Number(r.quantity),
      r.active === 'true',
    ])
    if (++rows % batchSize === 0) await flush()
  }
  if (batch.size > 0) await flush()
  return Math.round(performance.now() - started)
}
