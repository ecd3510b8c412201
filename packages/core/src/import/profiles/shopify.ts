import type { ImportWarning } from '../types.js'
import { CELL, cellAt, columnNamed, fieldCell, hasAll, type Profile } from './_profile.js'

const OPTION_VALUES = ['option1 value', 'option2 value', 'option3 value']
// A product without variants has one variant whose only option value is this.
const DEFAULT_OPTION = 'default title'

/**
 * Shopify's product CSV: one row per variant, grouped by `Handle`. Product-level columns
 * (`Title`, `Body (HTML)`, `Vendor`, `Product Category`, `Tags`, `Status`, `Published`) are
 * filled on a handle's first row only, so later variant rows inherit them; rows that only add an
 * image are not products.
 *
 * - SKU: `Variant SKU`; when empty, the handle (a product without options) or the handle and
 *   the option values (`tee-small-red`), with one warning saying how many were made up.
 * - Name: the title, followed by the option values for a product with options
 *   (`Tee - Small / Red`), so each variant reads apart from its siblings.
 * - Active: `Status` is `active` (draft and archived are not) and `Published` is not false.
 * - Group: the handle, for the variants of a product with options.
 * - Images: the variant's `Variant Image`, else the product's first `Image Src` (the image of
 *   the handle's first row); the further images of image-only rows are not kept.
 * - Brand `Vendor`, barcode `Variant Barcode`, compare-at price `Variant Compare At Price`,
 *   weight `Variant Grams`.
 */
export const shopify: Profile = {
  platform: 'shopify',
  derivesSku: true,
  detect: (header) =>
    hasAll(header, 'handle', 'title') &&
    (hasAll(header, 'variant sku') || hasAll(header, 'variant price')),
  rules: () => ({
    preferred: {
      sku: ['variant sku'],
      name: ['title'],
      description: ['body html'],
      price: ['variant price'],
      quantity: ['variant inventory qty'],
      active: ['status'],
      brand: ['vendor'],
      category: ['product category'],
      tags: ['tags'],
      barcode: ['variant barcode'],
      compare_at_price: ['variant compare at price'],
      weight_grams: ['variant grams'],
    },
    used: {
      handle: 'Variant group, and the product fields its variants inherit',
      published: 'Active, with Status',
      'image src': 'Images (the first row’s)',
      'variant image': 'Images',
      ...Object.fromEntries(OPTION_VALUES.map((name) => [name, 'Name (the variant’s options)'])),
    },
  }),
  open(header) {
    const handleAt = columnNamed(header, 'handle')
    const statusAt = columnNamed(header, 'status')
    const publishedAt = columnNamed(header, 'published')
    const optionsAt = OPTION_VALUES.map((name) => columnNamed(header, name))
    const imageAt = columnNamed(header, 'image src')
    const variantImageAt = columnNamed(header, 'variant image')
    let handle: string | undefined
    let title = ''
    let active: string | undefined
    let image = ''
    let grouped = false
    // Product-level cells of the handle's first row, inherited by its variant rows.
    let inherited: Partial<Record<(typeof INHERITED)[number], string | undefined>> = {}
    let madeUp = 0

    return {
      row(record, cells) {
        const own = cellAt(record, handleAt)
        const first = own !== handle
        const options = optionsAt
          .map((at) => cellAt(record, at))
          .filter((value) => value !== '' && value.toLowerCase() !== DEFAULT_OPTION)
        if (first) {
          handle = own
          title = fieldCell(cells, 'name')
          active = activeOf(cellAt(record, statusAt), cellAt(record, publishedAt))
          image = cellAt(record, imageAt)
          grouped = options.length > 0
          inherited = Object.fromEntries(INHERITED.map((field) => [field, cells[CELL[field]]]))
        } else {
          const variant =
            options.length > 0 ||
            (['sku', 'price', 'quantity'] as const).some((field) => fieldCell(cells, field) !== '')
          if (!variant) return false // an image row: Handle plus image columns
          for (const field of INHERITED) {
            if (fieldCell(cells, field) === '') cells[CELL[field]] = inherited[field]
          }
          grouped ||= options.length > 0
        }
        if (grouped && own !== '' && fieldCell(cells, 'group') === '') cells[CELL.group] = own
        const ownImage = cellAt(record, variantImageAt) || image
        if (ownImage !== '' && fieldCell(cells, 'images') === '') cells[CELL.images] = ownImage
        if ((cells[CELL.name] ?? '').trim() === '' || first) {
          cells[CELL.name] = options.length > 0 ? `${title} - ${options.join(' / ')}` : title
        }
        const ownActive = activeOf(cellAt(record, statusAt), cellAt(record, publishedAt))
        cells[CELL.active] = ownActive ?? active
        if ((cells[CELL.sku] ?? '').trim() === '' && own !== '') {
          cells[CELL.sku] = [own, ...options.map(slug)].join('-')
          madeUp++
        }
        return true
      },
      finish(): ImportWarning[] {
        if (madeUp === 0) return []
        return [
          {
            code: 'SKUS_DERIVED',
            message: `${madeUp} Shopify ${madeUp === 1 ? 'variant has' : 'variants have'} no Variant SKU: the handle (with the option values for products with options) is used as SKU`,
          },
        ]
      },
    }
  },
}

/** Product-level fields a handle's variant rows take from its first row when their own cell is empty. */
const INHERITED = ['description', 'brand', 'category', 'tags'] as const

/** `true`/`false` from Shopify's Status and Published; undefined when neither is given. */
function activeOf(status: string, published: string): string | undefined {
  const word = status.toLowerCase()
  const visible =
    published === '' ? undefined : !['false', '0', 'no'].includes(published.toLowerCase())
  if (word === '') return visible === undefined ? undefined : String(visible)
  if (word === 'draft' || word === 'archived') return 'false'
  if (word !== 'active') return status // not a Status Shopify writes: the row error says so
  return String(visible ?? true)
}

function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
}
