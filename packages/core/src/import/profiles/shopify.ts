import type { ImportWarning } from '../types.js'
import { CELL, cellAt, columnNamed, hasAll, type Profile } from './_profile.js'

const OPTION_VALUES = ['option1 value', 'option2 value', 'option3 value']
// A product without variants has one variant whose only option value is this.
const DEFAULT_OPTION = 'default title'

/**
 * Shopify's product CSV: one row per variant, grouped by `Handle`. Product-level columns
 * (`Title`, `Body (HTML)`, `Status`, `Published`) are filled on a handle's first row only, so
 * later variant rows inherit them; rows that only add an image are not products.
 *
 * - SKU: `Variant SKU`; when empty, the handle (a product without options) or the handle and
 *   the option values (`tee-small-red`), with one warning saying how many were made up.
 * - Name: the title, followed by the option values for a product with options
 *   (`Tee - Small / Red`), so each variant reads apart from its siblings.
 * - Active: `Status` is `active` (draft and archived are not) and `Published` is not false.
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
    },
    used: ['handle', 'published', 'image src', ...OPTION_VALUES],
  }),
  open(header) {
    const handleAt = columnNamed(header, 'handle')
    const statusAt = columnNamed(header, 'status')
    const publishedAt = columnNamed(header, 'published')
    const optionsAt = OPTION_VALUES.map((name) => columnNamed(header, name))
    let handle: string | undefined
    let title = ''
    let description: string | undefined
    let active: string | undefined
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
          title = (cells[CELL.name] ?? '').trim()
          description = cells[CELL.description]
          active = activeOf(cellAt(record, statusAt), cellAt(record, publishedAt))
        } else {
          const variant =
            options.length > 0 ||
            [CELL.sku, CELL.price, CELL.quantity].some((at) => (cells[at] ?? '').trim() !== '')
          if (!variant) return false // an image row: Handle plus image columns
          if ((cells[CELL.description] ?? '').trim() === '') cells[CELL.description] = description
        }
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
