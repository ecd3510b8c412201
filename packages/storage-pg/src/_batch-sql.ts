// The SQL of the import writer's hot path, written once and reused for every batch: no query
// builder per row or per batch.
import { FIELDS, type FieldKind, type FieldSpec, VALUE_FIELDS } from '@product-importer/core'

/** The value fields in the field table's order, as the stage and the statements list them. */
export const VALUE_SPECS: readonly FieldSpec[] = VALUE_FIELDS.map((field) => FIELDS[field])

/** A constant as an SQL literal; a list as `jsonb`. */
const literal = (value: FieldSpec['default'] & {}): string =>
  Array.isArray(value)
    ? `${literal(JSON.stringify(value))}::jsonb`
    : typeof value === 'string'
      ? `'${value.replaceAll("'", "''")}'`
      : String(value)

const TYPES: Record<FieldKind, string> = {
  text: 'text',
  money: 'bigint',
  integer: 'integer',
  boolean: 'boolean',
  list: 'jsonb',
}

/** The stage's flag telling a given `null` (clear it) from a value not given. */
const has = (spec: FieldSpec) => `has_${spec.column}`

/** The stage's columns for the value fields, in the order COPY sends them. */
export const STAGE_VALUE_COLUMNS: readonly string[] = VALUE_SPECS.flatMap((spec) =>
  spec.nullable ? [spec.column, has(spec)] : [spec.column],
)

/** A field's value after the row: the row's, where given, else the stored one (`p`). */
const merged = (spec: FieldSpec, row: string) =>
  spec.nullable
    ? `case when ${row}.${has(spec)} then ${row}.${spec.column} else p.${spec.column} end`
    : `coalesce(${row}.${spec.column}, p.${spec.column})`

/** A field's value on a new product: the row's, where given, else its default. */
const created = (spec: FieldSpec) => {
  const fallback =
    spec.default === null || spec.default === undefined ? 'null' : literal(spec.default)
  if (spec.default === undefined) return spec.column
  return spec.nullable
    ? `case when ${has(spec)} then ${spec.column} else ${fallback} end`
    : `coalesce(${spec.column}, ${fallback})`
}

/** The fields a new product must be given (`name`). */
const REQUIRED = VALUE_SPECS.filter((spec) => spec.default === undefined)
const STORED = `(p.sku, ${VALUE_SPECS.map((spec) => `p.${spec.column}`).join(', ')})`
const after = (row: string) =>
  `(${row}.sku, ${VALUE_SPECS.map((spec) => merged(spec, row)).join(', ')})`

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
    name_key text,
    ${VALUE_SPECS.map(
      (spec) =>
        `${spec.column} ${TYPES[spec.kind]}${spec.nullable ? `,\n    ${has(spec)} boolean not null` : ''}`,
    ).join(',\n    ')}
  ) on commit delete rows;
  create temp table pi_seen (sku_key text primary key);`

export const COPY_STAGE = `copy pi_stage (idx, id, sku, sku_key, name_key, ${STAGE_VALUE_COLUMNS.join(', ')}) from stdin`

// `s` classifies every staged row against the products as this statement sees them. A field a
// row does not give is NULL (or its has_ flag false) and keeps the stored value, or takes the
// default on a new product.
const CLASSIFY = `
  s as (
    select st.*,
      p.sku_key is not null as found,
      seen.sku_key is not null as dup,
      p.sku_key is null and (${REQUIRED.map((spec) => `st.${spec.column} is null`).join(' or ')})
        and seen.sku_key is null as rejected,
      p.sku_key is not null and ${STORED} is not distinct from ${after('st')} as same
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
      ${VALUE_SPECS.map((spec) => `${spec.column} = ${merged(spec, 'c')}`).join(',\n      ')},
      name_key = coalesce(c.name_key, p.name_key),
      updated_at = $1
    from (select * from s where found and not same order by sku_key) c
    where p.sku_key = c.sku_key
      and ${STORED} is distinct from ${after('c')}
    returning c.dup${returnIds ? ', p.id' : ''}
  ),
  i as (
    insert into products (id, sku, sku_key, name_key, ${VALUE_SPECS.map((spec) => spec.column).join(', ')},
      created_at, updated_at)
    select id, sku, sku_key, name_key, ${VALUE_SPECS.map(created).join(', ')},
      $1, $1
    from s
    where not found and ${REQUIRED.map((spec) => `${spec.column} is not null`).join(' and ')}
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
