/**
 * The indexes that give sorted product pages in order (see `postgres_0006_sort_indexes`), by
 * name, with the columns each holds. A load into an empty table builds them last, as it does the
 * trigram indexes (see _deferred-indexes.ts).
 */
export const SORT_INDEXES: Readonly<Record<string, string>> = {
  products_name_key_idx: 'name_key, id',
  products_price_idx: 'price_cents, id',
  products_price_desc_idx: 'price_cents desc nulls last, id desc',
}
