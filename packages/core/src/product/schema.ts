import { z } from 'zod'
import { strictObject } from '../strict-object.js'
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SKU_LENGTH,
  type Parsed,
  parseActive,
  parsePrice,
  parseProductText,
  parseQuantity,
  type TextField,
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

// The import reads its cells with the same parseProductText, so both accept the same texts.
function text(field: TextField, maxLength: number) {
  return z
    .string({ error: `${field} must be text` })
    .transform(refineWith((input: string) => parseProductText(field, input)))
    .meta({ maxLength })
}

const sku = text('sku', MAX_SKU_LENGTH)
const name = text('name', MAX_NAME_LENGTH)
const description = text('description', MAX_DESCRIPTION_LENGTH)
const price = z
  .union([z.string(), z.number()], { error: WRONG_TYPE.price })
  .transform(refineWith(parsePrice))
  .nullable()
  .meta({ description: 'Decimal with at most 2 places, >= 0, as a string ("79.99") or number' })
const quantity = z
  .union([z.number(), z.string()], { error: WRONG_TYPE.quantity })
  .transform(refineWith(parseQuantity))
  .meta({ description: 'Whole number, negative for oversold stock' })
const active = z
  .union([z.boolean(), z.number(), z.string()], { error: WRONG_TYPE.active })
  .transform(refineWith(parseActive))
  .meta({ description: 'true or false; also 1 or 0, and words such as "yes" or "inactive"' })

/** A product to create. `price` arrives as a decimal string or number and leaves as cents. */
export const productInputSchema = strictObject({
  sku,
  name,
  description: description.optional(),
  price: price.optional(),
  quantity: quantity.optional(),
  active: active.optional(),
})

/** Fields to change on a product; absent fields stay as they are. */
export const productPatchSchema = productInputSchema.partial()

/** A stored product as the SDK and the API return it. */
export const productSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  price: z.string().nullable().meta({ description: 'Exact decimal string, e.g. "79.99"' }),
  quantity: z.number().int(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
})

/** Input accepted by `products.create()`. */
export type ProductInput = z.input<typeof productInputSchema>
/** Input accepted by `products.update()`. */
export type ProductPatch = z.input<typeof productPatchSchema>
/** A stored product. */
export type Product = z.output<typeof productSchema>
