// The SQL of the import writer's hot path, written once and reused for every batch: no query
// builder per row or per batch.
import { NEW_PRODUCT_DEFAULTS } from '@product-importer/core'

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
    name_key text,
    description text,
    price_cents bigint,
    has_price boolean not null,
    quantity integer,
    active boolean
  ) on commit delete rows;
  create temp table pi_seen (sku_key text primary key);`

export const COPY_STAGE = `copy pi_stage (idx, id, sku, sku_key, name, name_key, description,
  price_cents, has_price, quantity, active) from stdin`

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

// The statements that apply the staged batch (see APPLY_BATCH); with `returnIds`, each returns
// the ids of the products it wrote.
const apply = (returnIds: boolean) => `
  ${CLASSIFY},
  u as (
    update products p set
      sku = c.sku,
      name = coalesce(c.name, p.name),
      name_key = coalesce(c.name_key, p.name_key),
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
    returning c.dup${returnIds ? ', p.id' : ''}
  ),
  i as (
    insert into products (id, sku, sku_key, name, name_key, description, price_cents, quantity,
      active, created_at, updated_at)
    select id, sku, sku_key, name, name_key, coalesce(description, ${DEFAULT.description}),
      case when has_price then price_cents else ${DEFAULT.priceCents} end,
      coalesce(quantity, ${DEFAULT.quantity}), coalesce(active, ${DEFAULT.active}),
      $1, $1
    from s
    where not found and name is not null
    order by sku_key${returnIds ? '\n    returning id' : ''}
  )`
const APPLIED_COUNTS = `select ${counts('(select count(*) from u where not dup)::int')}
  from s`

/**
 * Applies the staged batch: one UPDATE of the products that change and one plain INSERT of the
 * new ones, each in sku_key order so that concurrent writers lock rows in one order. Products
 * whose values would not change are neither written nor locked. The UPDATE re-reads a product
 * changed meanwhile by another writer and merges the given fields into its latest values; a
 * product another writer inserted meanwhile makes the INSERT fail with a unique violation, and
 * the writer applies the batch again.
 */
export const APPLY_BATCH = `
  with ${apply(false)}
  ${APPLIED_COUNTS}`

/** The same classification without writing products: the counts of a dry run. */
export const EVALUATE_BATCH = `
  with ${CLASSIFY}
  select ${counts('(count(*) filter (where not dup and found and not same))::int')}
  from s`

/**
 * APPLY_BATCH that also records the batch's per-row events, in the same statement: one
 * `webhook_row_events` row per event type, holding the endpoint ids of `$2` (for
 * `product.created`, a JSON array) or `$3` (for `product.updated`) and the ids of the products
 * the batch created or updated, which the dispatcher expands into deliveries later. The ids come
 * from the UPDATE and the INSERT themselves: finding the products again by sku_key cost 45 ms a
 * 10,000-row batch, and a delivery per product written here, its body built in SQL, made an
 * import 1.77x as long.
 */
export const APPLY_BATCH_RECORDING_ROW_EVENTS = `
  with ${apply(true)},
  ev as (
    insert into webhook_row_events (event_type, endpoint_ids, product_ids, created_at)
    select r.type, r.endpoint_ids, json_agg(w.id)::text, $1
    from (values ('product.created', $2::text), ('product.updated', $3::text))
      as r (type, endpoint_ids)
    join (
      select id, 'product.created' as type from i
      union all
      select id, 'product.updated' from u
    ) w on w.type = r.type
    where r.endpoint_ids <> '[]'
    group by r.type, r.endpoint_ids
  )
  ${APPLIED_COUNTS}`
