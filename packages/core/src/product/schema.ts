import { z } from 'zod'
import { strictObject } from '../strict-object.js'
import { FIELDS, type FieldKind, type ProductField, type SdkKey, type TextField } from './fields.js'
import {
  type ListField,
  type Parsed,
  parseBoolean,
  parseInteger,
  parseList,
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

// The import reads its cells with the same parsers, so both accept the same texts. A field
// that may be null (no brand) takes null, and "" as null too.
const text = <F extends TextField>(field: F) =>
  z
    .string({ error: `${field} must be text` })
    .transform(refineWith((input: string) => parseProductText(field, input)))
    .meta({ maxLength: FIELDS[field].max })
const optionalText = (field: TextField) =>
  z
    .union([z.string(), z.null()], { error: `${field} must be text or null` })
    .transform(
      refineWith((input: string | null): Parsed<string | null> => {
        if (input === null) return { ok: true, value: null }
        const parsed = parseProductText(field, input)
        return parsed.ok && parsed.value === '' ? { ok: true, value: null } : parsed
      }),
    )
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
      .transform(refineWith((value: string | number) => parseInteger(field, value))),
  boolean: (field: ProductField) =>
    z
      .union([z.boolean(), z.number(), z.string()], { error: WRONG_TYPE.boolean(field) })
      .transform(refineWith((value: string | number | boolean) => parseBoolean(field, value)))
      .meta({ description: 'true or false; also 1 or 0, and words such as "yes" or "inactive"' }),
  list: (field: ListField) =>
    z
      .array(z.string(), { error: `${field} must be a list of texts` })
      .transform(refineWith((items: string[]) => parseList(field, items)))
      .meta({ maxItems: FIELDS[field].maxItems }),
} satisfies Record<FieldKind, (field: never) => z.ZodType>

/** A product to create. Money arrives as a decimal string or number and leaves as cents. */
export const productInputSchema = strictObject({
  sku: input.text('sku'),
  name: input.text('name'),
  description: input.text('description').optional(),
  price: input.money('price').nullable().optional(),
  quantity: input
    .integer('quantity')
    .meta({ description: 'Whole number, negative for oversold stock' })
    .optional(),
  active: input.boolean('active').optional(),
  barcode: optionalText('barcode').describe('GTIN, EAN, UPC or ISBN, as text').optional(),
  brand: optionalText('brand').optional(),
  category: optionalText('category')
    .describe('A path of levels such as "Home > Lighting > Lamps"')
    .optional(),
  tags: input.list('tags').optional(),
  images: input
    .list('images')
    .describe('Absolute http(s) URLs; the first is the main image')
    .optional(),
  compareAtPrice: input
    .money('compare_at_price')
    .nullable()
    .describe('The price before a reduction')
    .optional(),
  weightGrams: input.integer('weight_grams').nullable().describe('Whole grams, >= 0').optional(),
  group: optionalText('group')
    .describe('Variant group: products with the same group are variants of one product')
    .optional(),
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
    barcode: z.string().nullable(),
    brand: z.string().nullable(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    images: z.array(z.string()),
    compareAtPrice: z.string().nullable().meta({ description: 'Exact decimal string, or null' }),
    weightGrams: z.number().int().nullable(),
    group: z.string().nullable(),
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
