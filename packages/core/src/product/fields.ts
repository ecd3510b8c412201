// The product's fields, declared once. Everything that reads or writes a product field by field
// (schemas, the CSV row parser and its transport, merge, "unchanged", change samples, both
// import writers' SQL, the wire mapper, export, sorts, filters) is built from this table or
// checked against it by the compiler. Adding a field is this table, a migration and its docs:
// see docs/architecture.md.

import type { ProductRecord } from '../storage/types.js'

/**
 * How a field's values look:
 * - `text`: a string; `money`: exact integer cents (a decimal string on the wire);
 * - `integer`: a whole number; `boolean`: true or false;
 * - `list`: texts in order (one CSV cell, separated by commas; JSON in the database).
 */
export type FieldKind = 'text' | 'money' | 'integer' | 'boolean' | 'list'

/** Which characters a text field refuses (see `textProblem`). */
export type TextRule = 'key' | 'line' | 'block'

/** One product field. */
export interface FieldSpec {
  /** The property of {@link ProductRecord} and `ImportRow`. */
  readonly key: keyof ProductRecord
  /** The property of the SDK's `Product`. */
  readonly sdk: string
  /** The name on the wire: REST, webhooks, the UI, CSV headers and export columns. */
  readonly wire: string
  /** The column of the `products` table. */
  readonly column: string
  readonly kind: FieldKind
  /** How the UI and the docs name it. */
  readonly label: string
  /** Whether `null` is a value (no price): a row or patch can then clear it. */
  readonly nullable: boolean
  /** What a new product gets when nothing gives the field; `undefined`: it must be given. */
  readonly default: string | number | boolean | null | readonly string[] | undefined
  /** Text: the most characters (code points); list: of each item. */
  readonly max?: number
  /** Text and list items: the characters it refuses, and how it is trimmed. */
  readonly chars?: TextRule
  /** Integer: the smallest value (else the negative of the largest). */
  readonly min?: number
  /** List: the most items. */
  readonly maxItems?: number
  /** List: each item is an absolute http(s) URL. */
  readonly urls?: boolean
  /** Text: a path of levels such as `Home > Lighting > Lamps`, written with ` > `. */
  readonly path?: boolean
  /** The column products sort by on this field, when they can. */
  readonly sortColumn?: string
  /**
   * Whether its column, or a key derived from it, is indexed while its values rarely change:
   * the import writers then set it only when it changes, since rewriting an index entry with
   * the same value costs as much as a real change.
   */
  readonly indexed?: boolean
}

/**
 * The fields, in the order files, exports and the API list them. `sku` identifies a product;
 * every other field is a value that an import or a patch may give or leave as it is.
 */
export const FIELDS = {
  sku: {
    key: 'sku',
    sdk: 'sku',
    wire: 'sku',
    column: 'sku',
    kind: 'text',
    label: 'SKU',
    nullable: false,
    default: undefined,
    max: 100,
    chars: 'key',
    sortColumn: 'sku_key',
  },
  name: {
    key: 'name',
    sdk: 'name',
    wire: 'name',
    column: 'name',
    kind: 'text',
    label: 'Name',
    nullable: false,
    default: undefined,
    max: 255,
    chars: 'line',
    sortColumn: 'name_key',
    indexed: true,
  },
  description: {
    key: 'description',
    sdk: 'description',
    wire: 'description',
    column: 'description',
    kind: 'text',
    label: 'Description',
    nullable: false,
    default: '',
    max: 20_000,
    chars: 'block',
  },
  price: {
    key: 'priceCents',
    sdk: 'price',
    wire: 'price',
    column: 'price_cents',
    kind: 'money',
    label: 'Price',
    nullable: true,
    default: null,
    sortColumn: 'price_cents',
  },
  quantity: {
    key: 'quantity',
    sdk: 'quantity',
    wire: 'quantity',
    column: 'quantity',
    kind: 'integer',
    label: 'Quantity',
    nullable: false,
    default: 0,
    sortColumn: 'quantity',
  },
  active: {
    key: 'active',
    sdk: 'active',
    wire: 'active',
    column: 'active',
    kind: 'boolean',
    label: 'Active',
    nullable: false,
    default: true,
    indexed: true,
  },
  barcode: {
    key: 'barcode',
    sdk: 'barcode',
    wire: 'barcode',
    column: 'barcode',
    kind: 'text',
    label: 'Barcode',
    nullable: true,
    default: null,
    max: 64,
    chars: 'key',
  },
  brand: {
    key: 'brand',
    sdk: 'brand',
    wire: 'brand',
    column: 'brand',
    kind: 'text',
    label: 'Brand',
    nullable: true,
    default: null,
    max: 255,
    chars: 'line',
    sortColumn: 'brand',
  },
  category: {
    key: 'category',
    sdk: 'category',
    wire: 'category',
    column: 'category',
    kind: 'text',
    label: 'Category',
    nullable: true,
    default: null,
    max: 1000,
    chars: 'line',
    path: true,
  },
  tags: {
    key: 'tags',
    sdk: 'tags',
    wire: 'tags',
    column: 'tags',
    kind: 'list',
    label: 'Tags',
    nullable: false,
    default: [],
    max: 255,
    chars: 'line',
    maxItems: 100,
  },
  images: {
    key: 'images',
    sdk: 'images',
    wire: 'images',
    column: 'images',
    kind: 'list',
    label: 'Images',
    nullable: false,
    default: [],
    max: 2048,
    chars: 'key',
    maxItems: 50,
    urls: true,
  },
  compare_at_price: {
    key: 'compareAtPriceCents',
    sdk: 'compareAtPrice',
    wire: 'compare_at_price',
    column: 'compare_at_price_cents',
    kind: 'money',
    label: 'Compare-at price',
    nullable: true,
    default: null,
  },
  weight_grams: {
    key: 'weightGrams',
    sdk: 'weightGrams',
    wire: 'weight_grams',
    column: 'weight_grams',
    kind: 'integer',
    label: 'Weight (g)',
    nullable: true,
    default: null,
    min: 0,
  },
  group: {
    key: 'group',
    sdk: 'group',
    wire: 'group',
    column: 'variant_group',
    kind: 'text',
    label: 'Variant group',
    nullable: true,
    default: null,
    max: 255,
    chars: 'key',
  },
} as const satisfies Record<string, FieldSpec>

/** A product field as files, mappings and the wire name it: `sku`, `name`, `price`, ... */
export type ProductField = keyof typeof FIELDS

/** Every field, in table order. */
export const FIELD_NAMES = Object.keys(FIELDS) as ProductField[]

/** The fields besides `sku`: what a row or a patch gives or leaves. */
export type ValueField = Exclude<ProductField, 'sku'>

/** The value fields, in table order. */
export const VALUE_FIELDS = FIELD_NAMES.filter((field) => field !== 'sku') as ValueField[]

/** The specs of the value fields, in table order. */
export const VALUE_SPECS: readonly FieldSpec[] = VALUE_FIELDS.map((field) => FIELDS[field])

/** The record property of each field. */
export type FieldKey<F extends ProductField = ProductField> = (typeof FIELDS)[F]['key']

/** The SDK `Product`'s property of each field. */
export type SdkKey<F extends ProductField = ProductField> = (typeof FIELDS)[F]['sdk']

/** The value fields' record properties: `name`, `description`, `priceCents`, ... */
export type ValueKey = FieldKey<ValueField>

/** A field products can be sorted by: one with a `sortColumn`, or `updated_at`. */
export type SortField =
  | {
      [F in ProductField]: (typeof FIELDS)[F] extends { sortColumn: string } ? F : never
    }[ProductField]
  | 'updated_at'

/** The fields products can be sorted by, in table order, then `updated_at`. */
export const SORT_FIELDS = [
  ...FIELD_NAMES.filter((field) => (FIELDS[field] as FieldSpec).sortColumn !== undefined),
  'updated_at',
] as readonly SortField[]

/** The column each sort orders by. */
export const SORT_COLUMNS: Readonly<Record<SortField, string>> = Object.fromEntries([
  ...FIELD_NAMES.flatMap((field) => {
    const column = (FIELDS[field] as FieldSpec).sortColumn
    return column === undefined ? [] : [[field, column]]
  }),
  ['updated_at', 'updated_at'],
]) as Record<SortField, string>

/** The text fields: their values are strings with a length and characters they refuse. */
export type TextField = {
  [F in ProductField]: (typeof FIELDS)[F]['kind'] extends 'text' ? F : never
}[ProductField]

/** Where a `switch` over the kinds falls through: the compiler says which kind it misses. */
export function unknownKind(kind: never): never {
  throw new Error(`unknown field kind ${String(kind)}`)
}

/** What a new product gets for each value field nobody gave (`name` has none: it is required). */
export function defaultOf(spec: FieldSpec): string | number | boolean | null | readonly string[] {
  return spec.default ?? null
}

// Checked by the compiler: every property of a record besides its identity and times is a field
// of the table, and every field of the table is a property of a record.
type RecordValueKey = Exclude<keyof ProductRecord, 'id' | 'skuKey' | 'createdAt' | 'updatedAt'>
type Missing = Exclude<RecordValueKey, FieldKey>
const everyRecordPropertyIsAField: [Missing] extends [never] ? true : Missing = true
void everyRecordPropertyIsAField
