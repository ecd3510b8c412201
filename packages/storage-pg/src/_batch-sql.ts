// The SQL of the import writer's hot path, written once and reused for every batch: no query
// builder per row or per batch.

/** Session tables of one writer: the batch being applied, and every SKU key applied so far. */
export const CREATE_WRITER_TABLES = `
  drop table if exists pg_temp.pi_stage, pg_temp.pi_seen;
  create temp table pi_stage (
    idx integer not null,
    sku text not null,
    sku_key text not null,
    name text,
    description text,
    price_cents bigint,
    has_price boolean not null,
    quantity integer,
    active boolean
  ) on commit delete rows;
  create temp table pi_seen (sku_key text primary key);
  create or replace function pg_temp.pi_changed_meanwhile() returns boolean
    language plpgsql as $$
    begin
      raise exception 'a product of this batch changed while it was applied'
        using errcode = '40001';
    end $$;`

export const DROP_WRITER_TABLES = `
  drop table if exists pg_temp.pi_stage, pg_temp.pi_seen;
  drop function if exists pg_temp.pi_changed_meanwhile();`

export const COPY_STAGE = `copy pi_stage (idx, sku, sku_key, name, description, price_cents,
  has_price, quantity, active) from stdin`

// `s` classifies every staged row against the products as this statement sees them. Fields a
// row does not give (NULL, or has_price false) keep the stored value, or take the default on a
// new product. Rows whose values equal the stored ones are never written, not even locked.
const CLASSIFY = `
  s as (
    select st.idx, st.sku_key, st.name,
      p.sku_key is not null as found,
      seen.sku_key is not null as dup,
      p.sku_key is null and st.name is null and seen.sku_key is null as rejected,
      st.sku as v_sku,
      coalesce(st.name, p.name, '') as v_name,
      coalesce(st.description, p.description, '') as v_description,
      case when st.has_price then st.price_cents else p.price_cents end as v_price_cents,
      coalesce(st.quantity, p.quantity, 0) as v_quantity,
      coalesce(st.active, p.active, true) as v_active,
      p.sku_key is not null and (p.sku, p.name, p.description, p.price_cents, p.quantity, p.active)
        is not distinct from (st.sku, coalesce(st.name, p.name),
          coalesce(st.description, p.description),
          case when st.has_price then st.price_cents else p.price_cents end,
          coalesce(st.quantity, p.quantity), coalesce(st.active, p.active)) as same,
      -- For a found product, created_at carries the row version (xmin) the values were read
      -- from; ON CONFLICT compares it to the version it locks (created_at itself is never
      -- updated). Negative epochs cannot collide with the real timestamp of a new product.
      case when p.sku_key is null then $1::timestamptz
        else to_timestamp(-(p.xmin::text::bigint) - 1) end as v_created_at
    from pi_stage st
    left join products p on p.sku_key = st.sku_key
    left join pi_seen seen on seen.sku_key = st.sku_key
  ),
  remember as (
    insert into pi_seen (sku_key) select sku_key from s where not rejected
    on conflict do nothing
  )`

const COUNTS = `
  count(*) filter (where dup and not rejected)::int as duplicates,
  count(*) filter (where not dup and not rejected and not found)::int as created,
  count(*) filter (where not dup and found and not same)::int as updated,
  count(*) filter (where not dup and found and same)::int as unchanged,
  coalesce(array_agg(idx order by idx) filter (where rejected), '{}') as rejected`

/**
 * Applies the staged batch in sku_key order, so that concurrent writers lock rows in one order
 * and cannot deadlock. ON CONFLICT resolves a product inserted meanwhile by another writer; a
 * product changed or deleted between the read and the lock makes the statement fail with
 * 40001 (or report `lost`), and the writer retries the batch.
 */
export const APPLY_BATCH = `
  with ${CLASSIFY},
  w as (
    insert into products as p (id, sku, sku_key, name, description, price_cents, quantity, active,
      created_at, updated_at)
    select gen_random_uuid()::text, v_sku, sku_key, v_name, v_description, v_price_cents,
      v_quantity, v_active, v_created_at, $1::timestamptz
    from s
    where not same and not rejected and (found or name is not null)
    order by sku_key
    on conflict (sku_key) do update set
      sku = excluded.sku, name = excluded.name, description = excluded.description,
      price_cents = excluded.price_cents, quantity = excluded.quantity, active = excluded.active,
      updated_at = excluded.updated_at
    where excluded.created_at = to_timestamp(-(p.xmin::text::bigint) - 1)
      or pg_temp.pi_changed_meanwhile()
    returning (xmax = 0 and created_at < 'epoch'::timestamptz) as lost
  )
  select ${COUNTS}, (select count(*) from w where lost)::int as lost from s`

/** The same classification without writing products: the counts of a dry run. */
export const EVALUATE_BATCH = `
  with ${CLASSIFY}
  select ${COUNTS}, 0 as lost from s`
