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

/**
 * The indexes of the catalog fields (see `postgres_0008_catalog_indexes`), by name, with what
 * follows `on products`: brand sorts both ways, the filters on tags (`@>`, which a
 * jsonb_path_ops GIN index answers), a category and what lies below it (`like 'path > %'`), the
 * variant group and the barcode. A load into an empty table builds them last too.
 */
export const CATALOG_INDEXES: Readonly<Record<string, string>> = {
  products_brand_idx: '(brand, id)',
  products_brand_desc_idx: '(brand desc nulls last, id desc)',
  products_tags_idx: 'using gin (tags jsonb_path_ops)',
  products_category_idx: '(category text_pattern_ops) where category is not null',
  products_variant_group_idx: '(variant_group) where variant_group is not null',
  products_barcode_idx: '(barcode) where barcode is not null',
}

/** Every index a load into an empty table builds after it, besides the trigram ones. */
export const LOADED_LAST: readonly string[] = [
  ...Object.keys(SORT_INDEXES),
  ...Object.keys(CATALOG_INDEXES),
]
