import { z } from 'zod'
import { strictObject } from '../strict-object.js'
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SKU_LENGTH,
  type Parsed,
  parseActive,
  parsePrice,
  parseQuantity,
  type TextField,
  textProblem,
} from './values.js'

function refineWith<I, T>(parse: (input: I) => Parsed<T>) {
  return (input: I, ctx: z.RefinementCtx): T => {
    const result = parse(input)
    if (result.ok) return result.value
    ctx.addIssue({ code: 'custom', message: result.message })
    return z.NEVER
  }
}

function refineText(field: TextField) {
  return (input: string, ctx: z.RefinementCtx): void => {
    const problem = textProblem(field, input)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  }
}

const sku = z
  .string()
  .trim()
  .min(1, 'sku is required')
  .max(MAX_SKU_LENGTH)
  .superRefine(refineText('sku'))
const name = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(MAX_NAME_LENGTH)
  .superRefine(refineText('name'))
const description = z
  .string()
  .trim()
  .max(MAX_DESCRIPTION_LENGTH)
  .superRefine(refineText('description'))
const price = z
  .union([z.string(), z.number()])
  .transform(refineWith(parsePrice))
  .nullable()
  .meta({ description: 'Decimal with at most 2 places, >= 0, as a string ("79.99") or number' })
const quantity = z
  .union([z.number(), z.string()])
  .transform(refineWith(parseQuantity))
  .meta({ description: 'Whole number, negative for oversold stock' })
const active = z.union([z.boolean(), z.string()]).transform(refineWith(parseActive))

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
