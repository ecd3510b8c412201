// Bulk-write methods compared by bench/pg.mjs: each applies batches of already parsed rows
// (every field given, unique by sku_key within a batch) in one transaction per batch, skipping
// rows whose values would not change.
import { once } from 'node:events'
import { from as copyFrom } from 'pg-copy-streams'

const COLUMNS =
  'id, sku, sku_key, name, description, price_cents, quantity, active, created_at, updated_at'
const UPSERT_TAIL = `
  on conflict (sku_key) do update set sku = excluded.sku, name = excluded.name,
    description = excluded.description, price_cents = excluded.price_cents,
    quantity = excluded.quantity, active = excluded.active, updated_at = excluded.updated_at
  where (p.sku, p.name, p.description, p.price_cents, p.quantity, p.active) is distinct from
    (excluded.sku, excluded.name, excluded.description, excluded.price_cents, excluded.quantity,
     excluded.active)`

const bySkuKey = (a, b) => (a.skuKey < b.skuKey ? -1 : a.skuKey > b.skuKey ? 1 : 0)

function copyLine(r) {
  const t = (v) =>
    v == null
      ? '\\N'
      : String(v).replace(
          /[\\\t\n\r]/g,
          (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c],
        )
  return `${t(r.sku)}\t${t(r.skuKey)}\t${t(r.name)}\t${t(r.description)}\t${t(r.priceCents)}\t${t(r.quantity)}\t${r.active ? 't' : 'f'}\n`
}

async function copyStage(client, rows) {
  const stream = client.query(copyFrom('copy bench_stage from stdin'))
  const done = once(stream, 'finish')
  stream.end(rows.map(copyLine).join(''))
  await done
}

const STAGE = `create temp table if not exists bench_stage (sku text, sku_key text, name text,
  description text, price_cents bigint, quantity integer, active boolean) on commit delete rows`

async function inTransaction(client, work) {
  await client.query('begin; set local enable_hashjoin = off; set local enable_mergejoin = off')
  try {
    await work()
    await client.query('commit')
  } catch (error) {
    await client.query('rollback')
    throw error
  }
}

/** Multi-row `INSERT ... VALUES ... ON CONFLICT`, 1,000 rows a statement (7 parameters a row). */
export async function multiRowInsert(client, rows) {
  const sorted = [...rows].sort(bySkuKey)
  await inTransaction(client, async () => {
    for (let i = 0; i < sorted.length; i += 1000) {
      const chunk = sorted.slice(i, i + 1000)
      const params = [new Date()]
      const tuples = chunk.map((r) => {
        const n = params.length
        params.push(r.sku, r.skuKey, r.name, r.description, r.priceCents, r.quantity, r.active)
        return `(gen_random_uuid()::text, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}::bigint, $${n + 6}::int, $${n + 7}::boolean, $1, $1)`
      })
      await client.query(
        `insert into products as p (${COLUMNS}) values ${tuples.join(',')} ${UPSERT_TAIL}`,
        params,
      )
    }
  })
}

/** One `INSERT ... SELECT FROM unnest($arrays) ON CONFLICT` a batch. */
export async function unnestInsert(client, rows) {
  const sorted = [...rows].sort(bySkuKey)
  const col = (f) => sorted.map(f)
  await inTransaction(client, async () => {
    await client.query(
      `insert into products as p (${COLUMNS})
       select gen_random_uuid()::text, u.*, $8, $8 from unnest($1::text[], $2::text[], $3::text[],
         $4::text[], $5::bigint[], $6::int[], $7::boolean[])
         as u(sku, sku_key, name, description, price_cents, quantity, active) ${UPSERT_TAIL}`,
      [
        col((r) => r.sku),
        col((r) => r.skuKey),
        col((r) => r.name),
        col((r) => r.description),
        col((r) => r.priceCents),
        col((r) => r.quantity),
        col((r) => r.active),
        new Date(),
      ],
    )
  })
}

/** COPY into a temporary staging table, then `INSERT ... SELECT ... ON CONFLICT`. */
export async function copyInsert(client, rows) {
  await client.query(STAGE)
  await inTransaction(client, async () => {
    await copyStage(client, rows)
    await client.query(
      `insert into products as p (${COLUMNS})
       select gen_random_uuid()::text, s.*, $1, $1 from bench_stage s order by sku_key ${UPSERT_TAIL}`,
      [new Date()],
    )
  })
}

/** COPY into a temporary staging table, then one `MERGE`. */
export async function copyMerge(client, rows) {
  await client.query(STAGE)
  await inTransaction(client, async () => {
    await copyStage(client, rows)
    await client.query(
      `merge into products p using bench_stage s on p.sku_key = s.sku_key
       when matched and (p.sku, p.name, p.description, p.price_cents, p.quantity, p.active)
         is distinct from (s.sku, s.name, s.description, s.price_cents, s.quantity, s.active) then
         update set sku = s.sku, name = s.name, description = s.description,
           price_cents = s.price_cents, quantity = s.quantity, active = s.active, updated_at = $1
       when not matched then insert (${COLUMNS}) values (gen_random_uuid()::text, s.sku,
         s.sku_key, s.name, s.description, s.price_cents, s.quantity, s.active, $1, $1)`,
      [new Date()],
    )
  })
}
