import { z } from 'zod'
import { strictObject } from '../strict-object.js'
import { FIELDS, type FieldKind, type ProductField, type SdkKey, type TextField } from './fields.js'
import {
  type Parsed,
  parseBoolean,
  parseInteger,
  parseMoney,
  parseProductText,
  WRONG_TYPE,
} from './values.js'

function refineWith<I, T>(parse: (input: I) => Parsed<T>) {
  return (input: I, ctx: z.RefinementCtx): T => {
    const result = parse(input)
    if (result.ok) return result.value
    ctx.addIssue({ code: 'custom', message: result.message })
    return z.NEVER
  }
}

// The import reads its cells with the same parsers, so both accept the same texts.
const text = (field: TextField) =>
  z
    .string({ error: `${field} must be text` })
    .transform(refineWith((input: string) => parseProductText(field, input)))
    .meta({ maxLength: FIELDS[field].max })

// One input schema per kind, checked against the table: a field of a kind without one here
// does not compile.
const input = {
  text,
  money: (field: ProductField) =>
    z
      .union([z.string(), z.number()], { error: WRONG_TYPE.money(field) })
      .transform(refineWith((value: string | number) => parseMoney(field, value)))
      .meta({
        description: 'Decimal with at most 2 places, >= 0, as a string ("79.99") or number',
      }),
  integer: (field: ProductField) =>
    z
      .union([z.number(), z.string()], { error: WRONG_TYPE.integer(field) })
      .transform(refineWith((value: string | number) => parseInteger(field, value)))
      .meta({ description: 'Whole number, negative for oversold stock' }),
  boolean: (field: ProductField) =>
    z
      .union([z.boolean(), z.number(), z.string()], { error: WRONG_TYPE.boolean(field) })
      .transform(refineWith((value: string | number | boolean) => parseBoolean(field, value)))
      .meta({ description: 'true or false; also 1 or 0, and words such as "yes" or "inactive"' }),
} satisfies Record<FieldKind, (field: never) => z.ZodType>

/** A product to create. `price` arrives as a decimal string or number and leaves as cents. */
export const productInputSchema = strictObject({
  sku: input.text('sku'),
  name: input.text('name'),
  description: input.text('description').optional(),
  price: input.money('price').nullable().optional(),
  quantity: input.integer('quantity').optional(),
  active: input.boolean('active').optional(),
} satisfies Record<SdkKey, z.ZodType>)

/** Fields to change on a product; absent fields stay as they are. */
export const productPatchSchema = productInputSchema.partial()

/** A stored product as the SDK and the API return it. */
export const productSchema = z.object({
  id: z.uuid(),
  ...({
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    price: z.string().nullable().meta({ description: 'Exact decimal string, e.g. "79.99"' }),
    quantity: z.number().int(),
    active: z.boolean(),
  } satisfies Record<SdkKey, z.ZodType>),
  createdAt: z.date(),
  updatedAt: z.date(),
})

/** Input accepted by `products.create()`. */
export type ProductInput = z.input<typeof productInputSchema>
/** Input accepted by `products.update()`. */
export type ProductPatch = z.input<typeof productPatchSchema>
/** A stored product. */
export type Product = z.output<typeof productSchema>
