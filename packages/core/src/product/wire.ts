import type { ProductRecord } from '../storage/types.js'
import { FIELD_NAMES, FIELDS, type FieldSpec, type ProductField } from './fields.js'
import type { Product } from './schema.js'
import { formatPrice } from './values.js'

type Spec<F extends ProductField> = (typeof FIELDS)[F]

/** A field's value on the wire: money as an exact decimal string such as `"79.99"`. */
type WireValue<S extends FieldSpec> =
  | (S['kind'] extends 'money'
      ? string
      : S['kind'] extends 'integer'
        ? number
        : S['kind'] extends 'boolean'
          ? boolean
          : string)
  | (S['nullable'] extends true ? null : never)

/**
 * A product as the REST API, webhooks, the UI and exports carry it: every field of the table by
 * its wire name, times in ISO 8601.
 */
export type ProductWire = { id: string } & {
  [F in ProductField as Spec<F>['wire']]: WireValue<Spec<F>>
} & {
  /** ISO 8601. */
  created_at: string
  /** ISO 8601. */
  updated_at: string
}

const SPECS: readonly FieldSpec[] = FIELD_NAMES.map((field) => FIELDS[field])

/** A stored value as the SDK and the wire give it: money as an exact decimal string. */
export function publicValue(spec: FieldSpec, value: unknown): unknown {
  if (spec.kind === 'money') return value === null ? null : formatPrice(value as number)
  return value
}

/** A stored record as the public product: every field by its SDK name, money as a decimal. */
export function toProduct(record: ProductRecord): Product {
  const product: Record<string, unknown> = { id: record.id }
  for (const spec of SPECS) product[spec.sdk] = publicValue(spec, record[spec.key])
  product.createdAt = record.createdAt
  product.updatedAt = record.updatedAt
  return product as Product
}

/** The one wire mapper: a product as REST, webhooks, the UI and exports carry it. */
export function toProductWire(product: Product): ProductWire {
  const wire: Record<string, unknown> = { id: product.id }
  for (const spec of SPECS) wire[spec.wire] = (product as Record<string, unknown>)[spec.sdk]
  wire.created_at = product.createdAt.toISOString()
  wire.updated_at = product.updatedAt.toISOString()
  return wire as ProductWire
}
