import { z } from 'zod'
import type { ProductRecord } from '../storage/types.js'
import { strictObject } from '../strict-object.js'
import { FIELD_NAMES, FIELDS, type FieldSpec, type ProductField } from './fields.js'
import { type Product, productInputSchema, productSchema } from './schema.js'
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
          : S['kind'] extends 'list'
            ? string[]
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

const WIRE_OF_SDK: Readonly<Record<string, string>> = Object.fromEntries(
  SPECS.map((spec) => [spec.sdk, spec.wire]),
)
const SDK_OF_WIRE: Readonly<Record<string, string>> = Object.fromEntries(
  SPECS.map((spec) => [spec.wire, spec.sdk]),
)

/** A zod shape keyed by SDK names, keyed by wire names instead. */
function byWireName(shape: Record<string, z.ZodType>): Record<string, z.ZodType> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => [WIRE_OF_SDK[key] ?? key, schema]),
  )
}

/** {@link ProductWire} as a schema: the product JSON of the REST API and of webhooks. */
export const productWireSchema = z.object({
  ...byWireName(productSchema.omit({ createdAt: true, updatedAt: true }).shape),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
})

/**
 * A product to create as the REST API takes it: `productInputSchema` by wire names
 * (`compare_at_price`, `weight_grams`). {@link fromWireInput} gives the SDK's input.
 */
export const productWireInputSchema = strictObject(byWireName(productInputSchema.shape))

/** A body of wire names (see {@link productWireInputSchema}) as the SDK's product input. */
export function fromWireInput(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {}
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [SDK_OF_WIRE[key] ?? key, value]),
  )
}
