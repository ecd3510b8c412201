// The SQL of the import writer's hot path, written once and reused for every batch: no query
// builder per row or per batch.
import { NEW_PRODUCT_DEFAULTS } from '@product-importer/core'
import { DELIVERY_ID_PREFIX, EVENT_ID_PREFIX } from '@product-importer/core/sql'

/** A constant as an SQL literal. */
const literal = (value: string | number | boolean | null): string =>
  value === null
    ? 'null'
    : typeof value === 'string'
      ? `'${value.replaceAll("'", "''")}'`
      : String(value)
const DEFAULT = {
  description: literal(NEW_PRODUCT_DEFAULTS.description),
  priceCents: literal(NEW_PRODUCT_DEFAULTS.priceCents),
  quantity: literal(NEW_PRODUCT_DEFAULTS.quantity),
  active: literal(NEW_PRODUCT_DEFAULTS.active),
}

/**
 * Session tables of one writer: the batch being applied, and every SKU key applied so far. The
 * writer's connection is its own, so they go when it closes.
 */
export const CREATE_WRITER_TABLES = `
  create temp table pi_stage (
    idx integer not null,
    id text not null,
    sku text not null,
    sku_key text not null,
    name text,
    description text,
    price_cents bigint,
    has_price boolean not null,
    quantity integer,
    active boolean
  ) on commit delete rows;
  create temp table pi_seen (sku_key text primary key);`

export const COPY_STAGE = `copy pi_stage (idx, id, sku, sku_key, name, description, price_cents,
  has_price, quantity, active) from stdin`

// `s` classifies every staged row against the products as this statement sees them. A field a
// row does not give is NULL (or has_price false) and keeps the stored value, or takes the
// default on a new product.
const CLASSIFY = `
  s as (
    select st.*,
      p.sku_key is not null as found,
      seen.sku_key is not null as dup,
      p.sku_key is null and st.name is null and seen.sku_key is null as rejected,
      p.sku_key is not null and (p.sku, p.name, p.description, p.price_cents, p.quantity, p.active)
        is not distinct from (st.sku, coalesce(st.name, p.name),
          coalesce(st.description, p.description),
          case when st.has_price then st.price_cents else p.price_cents end,
          coalesce(st.quantity, p.quantity), coalesce(st.active, p.active)) as same
    from pi_stage st
    left join products p on p.sku_key = st.sku_key
    left join pi_seen seen on seen.sku_key = st.sku_key
  ),
  remember as (
    insert into pi_seen (sku_key) select sku_key from s where not rejected and not dup
  )`

// `updated` is what the UPDATE really changed: a product another writer changed meanwhile may
// have come to equal the row.
const counts = (updated: string) => `
  count(*) filter (where dup and not rejected)::int as duplicates,
  count(*) filter (where not dup and not rejected and not found)::int as created,
  ${updated} as updated,
  (count(*) filter (where not dup and found))::int - ${updated} as unchanged,
  coalesce(array_agg(idx order by idx) filter (where rejected), '{}') as rejected`

/**
 * Applies the staged batch: one UPDATE of the products that change and one plain INSERT of the
 * new ones, each in sku_key order so that concurrent writers lock rows in one order. Products
 * whose values would not change are neither written nor locked. The UPDATE re-reads a product
 * changed meanwhile by another writer and merges the given fields into its latest values; a
 * product another writer inserted meanwhile makes the INSERT fail with a unique violation, and
 * the writer applies the batch again.
 */
export const APPLY_BATCH = `
  with ${CLASSIFY},
  u as (
    update products p set
      sku = c.sku,
      name = coalesce(c.name, p.name),
      description = coalesce(c.description, p.description),
      price_cents = case when c.has_price then c.price_cents else p.price_cents end,
      quantity = coalesce(c.quantity, p.quantity),
      active = coalesce(c.active, p.active),
      updated_at = $1
    from (select * from s where found and not same order by sku_key) c
    where p.sku_key = c.sku_key
      and (p.sku, p.name, p.description, p.price_cents, p.quantity, p.active) is distinct from
        (c.sku, coalesce(c.name, p.name), coalesce(c.description, p.description),
          case when c.has_price then c.price_cents else p.price_cents end,
          coalesce(c.quantity, p.quantity), coalesce(c.active, p.active))
    returning c.dup
  ),
  i as (
    insert into products (id, sku, sku_key, name, description, price_cents, quantity, active,
      created_at, updated_at)
    select id, sku, sku_key, name, coalesce(description, ${DEFAULT.description}),
      case when has_price then price_cents else ${DEFAULT.priceCents} end,
      coalesce(quantity, ${DEFAULT.quantity}), coalesce(active, ${DEFAULT.active}),
      $1, $1
    from s
    where not found and name is not null
    order by sku_key
  )
  select ${counts('(select count(*) from u where not dup)::int')}
  from s`

/** The same classification without writing products: the counts of a dry run. */
export const EVALUATE_BATCH = `
  with ${CLASSIFY}
  select ${counts('(count(*) filter (where not dup and found and not same))::int')}
  from s`

/**
 * A time-ordered id after `prefix`, in the layout of core's `createUuidV7()` without dashes:
 * 48 bits of milliseconds of `at`, the version digit 7, then random bits (a v4 UUID's, past its
 * own version digit, so the variant bits stay right).
 */
const timeOrderedId = (prefix: string, at: string): string =>
  `${literal(prefix)} || lpad(to_hex(floor(extract(epoch from ${at}) * 1000)::bigint), 12, '0')
    || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14)`

/** A timestamptz as `Date.prototype.toISOString()` writes it. */
const isoTime = (column: string): string =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** A JSON string as `JSON.stringify` writes it: both escape the same characters the same way. */
const jsonText = (column: string): string => `to_json(${column})::text`

// Built by hand rather than with json_build_object, whose text puts spaces around every colon:
// receivers must get the very bytes `toWebhookBody(type, productEventData(product), at)` gives
// on every database. Prices are at least zero, so integer division and a two-digit remainder
// give `formatPrice`.
const PRODUCT_EVENT_BODY = `'{"type":"' || type || '","timestamp":"' || ${isoTime('updated_at')}
  || '","data":{"id":' || ${jsonText('id')} || ',"sku":' || ${jsonText('sku')}
  || ',"name":' || ${jsonText('name')} || ',"description":' || ${jsonText('description')}
  || ',"price":' || coalesce('"' || (price_cents / 100)::text || '.'
    || lpad((price_cents % 100)::text, 2, '0') || '"', 'null')
  || ',"quantity":' || quantity::text || ',"active":' || case when active then 'true' else 'false' end
  || ',"created_at":"' || ${isoTime('created_at')} || '","updated_at":"' || ${isoTime('updated_at')}
  || '"}}'`

/**
 * Writes the per-row events of the batch APPLY_BATCH just applied, in its transaction: one
 * delivery per product it created or updated and per endpoint id in `$2` (for
 * `product.created`) or `$3` (for `product.updated`), due at once. `$1` is the batch's time:
 * the products it wrote are those of the batch with `updated_at = $1`, and those it created
 * kept the id staged for them.
 */
export const ENQUEUE_ROW_EVENTS = `
  with changed as (
    select p.id, p.sku, p.name, p.description, p.price_cents, p.quantity, p.active, p.created_at,
      p.updated_at, case when p.id = st.id then 'product.created' else 'product.updated' end as type
    from pi_stage st
    -- A probe of the sku_key index per staged row, whatever the planner makes of the
    -- statistics: a plain join lets it scan products for each staged row once it believes
    -- products empty (right after a TRUNCATE and VACUUM), 12 times slower on 500k rows.
    cross join lateral (
      select * from products p where p.sku_key = st.sku_key offset 0
    ) p
    where p.updated_at = $1::timestamptz
  ),
  ev as materialized (
    select type, ${timeOrderedId(EVENT_ID_PREFIX, '$1::timestamptz')} as event_id,
      ${PRODUCT_EVENT_BODY} as payload
    from changed
  )
  insert into webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status,
    attempts, next_attempt_at, created_at)
  select ${timeOrderedId(DELIVERY_ID_PREFIX, '$1::timestamptz')}, r.endpoint_id, ev.event_id,
    ev.type, ev.payload, 'pending', 0, $1::timestamptz, $1::timestamptz
  from ev
  join (
    select unnest($2::text[]) as endpoint_id, 'product.created' as type
    union all
    select unnest($3::text[]), 'product.updated'
  ) r on r.type = ev.type`
