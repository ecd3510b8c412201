/**
 * What a new product gets for each field nobody gave: the one place these defaults live. The
 * products API, the HTTP `PUT`, both import writers and the schema's column defaults read them
 * from here.
 */
export const NEW_PRODUCT_DEFAULTS: {
  readonly description: string
  readonly priceCents: number | null
  readonly quantity: number
  readonly active: boolean
} = Object.freeze({ description: '', priceCents: null, quantity: 0, active: true })

/**
 * Why a storage refuses an import row, as {@link BatchResult} reports it. Every adapter uses
 * these, so both databases reject the same row with the same words.
 */
export const ROW_REJECTIONS = Object.freeze({
  /** A row for a product that does not exist yet, without a name. */
  nameRequired: Object.freeze({ column: 'name', message: 'name is required for a new product' }),
})
