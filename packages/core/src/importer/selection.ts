import { z } from 'zod'
import { parseInput } from '../_parse-input.js'
import { ImporterError } from '../errors.js'
import { isStorableText } from '../product/values.js'
import type { ImporterStorage, ProductFilter } from '../storage/types.js'
import { strictObject } from '../strict-object.js'
import type { ProductSelection } from './types.js'

const filterText = z
  .string()
  .max(200)
  .refine((text) => text.trim() !== '', 'must not be blank: leave it out instead')
  .optional()

/** A bulk change's filter: known keys only, no blank values. */
const bulkFilterSchema = strictObject({
  sku: filterText,
  name: filterText,
  description: filterText,
  q: filterText,
  active: z.boolean().optional(),
  brand: filterText,
  category: filterText,
  tag: filterText,
  group: filterText,
  barcode: filterText,
})

/**
 * Whether a filter asks for text no product can hold (a NUL, another control character, half
 * of a surrogate pair). It then matches nothing, decided here: databases disagree on such
 * text, SQLite's LIKE stops reading a pattern at a NUL and so matched everything.
 */
export function matchesNothing(filter: ProductFilter): boolean {
  const { sku, name, description, q, brand, category, tag, group, barcode } = filter
  for (const text of [sku, name, description, q, brand, category, tag, group, barcode]) {
    if (text !== undefined && !isStorableText(text)) return true
  }
  return false
}

/** A selection as it was checked: the filter to stream (none for ids) and its bounds. */
export type CheckedSelection =
  | { ids: readonly string[] }
  | { filter: ProductFilter; all?: true; expect?: number; asOf?: Date }

/**
 * Checks a selection before anything changes: a filter must name known keys with values and
 * narrow something (`{ all: true }` says "every product" on purpose); `expect` is a whole
 * number and `asOf` a valid date.
 */
export function checkSelection(selection: ProductSelection): CheckedSelection {
  if ('ids' in selection) return { ids: selection.ids }
  const given = 'filter' in selection ? selection.filter : undefined
  const filter = given === undefined ? {} : parseInput(bulkFilterSchema, given)
  const narrows = Object.values(filter).some((value) => value !== undefined)
  if ('all' in selection && selection.all === true) {
    if (narrows) {
      throw new ImporterError('VALIDATION_FAILED', 'Give a filter or all: true, not both')
    }
  } else if (!narrows) {
    throw new ImporterError(
      'VALIDATION_FAILED',
      'The filter narrows nothing, so it would select every product: give a filter value, or all: true to mean every product',
    )
  }
  const { expect, asOf } = selection as { expect?: number; asOf?: Date }
  if (expect !== undefined && !(Number.isInteger(expect) && expect >= 0)) {
    throw new ImporterError('VALIDATION_FAILED', 'expect must be a whole number >= 0')
  }
  if (asOf !== undefined && !(asOf instanceof Date && Number.isFinite(asOf.getTime()))) {
    throw new ImporterError('VALIDATION_FAILED', 'asOf must be a valid Date')
  }
  return {
    filter,
    ...(narrows ? {} : { all: true as const }),
    ...(expect === undefined ? {} : { expect }),
    ...(asOf === undefined ? {} : { asOf }),
  }
}

/**
 * Products a bulk change writes in one transaction. Other writers wait for a chunk, not for the
 * whole change: an import's batch and a single create get in between two. Beside a running
 * import each chunk also waits for about one batch, so the chunk is large enough that a change
 * of 100,000 products waits for 20 batches, not 100 (measured in docs/benchmarks.md).
 */
export const BULK_CHUNK = 5000

/**
 * The ids a selection names, in chunks of {@link BULK_CHUNK}: the given ids, or those of the
 * products matching the filter that existed at `asOf` (by default `startedAt`, when the change
 * began: a change never chases an import that keeps adding products), read a chunk at a time
 * so a selection of the whole catalog never sits in memory. With `expect`, the selection is
 * counted first and refused with `SELECTION_CHANGED` unless exactly that many match, and never
 * more than that many are yielded, whatever changes between the count and the change.
 */
export async function* idsOf(
  storage: ImporterStorage,
  selection: CheckedSelection,
  startedAt: Date = new Date(),
): AsyncGenerator<readonly string[]> {
  if ('ids' in selection) {
    for (let i = 0; i < selection.ids.length; i += BULK_CHUNK) {
      yield selection.ids.slice(i, i + BULK_CHUNK)
    }
    return
  }
  const { expect } = selection
  if (expect !== undefined) {
    const matching = await countOf(storage, selection)
    if (matching !== expect) {
      throw new ImporterError(
        'SELECTION_CHANGED',
        `The selection now matches ${matching} products, not the ${expect} confirmed; nothing was changed`,
        { details: { reason: 'count', expected: expect, matching } },
      )
    }
  }
  let left = expect ?? Number.POSITIVE_INFINITY
  const bounded = { filter: selection.filter, asOf: selection.asOf ?? startedAt }
  for await (const ids of matchingIds(storage, bounded)) {
    if (left <= 0) return
    const picked = ids.length > left ? ids.slice(0, left) : ids
    left -= picked.length
    yield picked
  }
}

async function countOf(
  storage: ImporterStorage,
  selection: { filter: ProductFilter; asOf?: Date },
): Promise<number> {
  if (matchesNothing(selection.filter)) return 0
  if (!selection.asOf) return storage.countProducts(selection.filter)
  let count = 0
  for await (const ids of matchingIds(storage, selection)) count += ids.length
  return count
}

async function* matchingIds(
  storage: ImporterStorage,
  { filter, asOf }: { filter: ProductFilter; asOf?: Date },
): AsyncGenerator<string[]> {
  if (matchesNothing(filter)) return
  const options = { chunkSize: BULK_CHUNK }
  const chunks = storage.streamProductIds
    ? storage.streamProductIds(filter, options)
    : storage.streamProducts(filter, options)
  for await (const chunk of chunks) {
    const existed = asOf ? chunk.filter((record) => record.createdAt <= asOf) : chunk
    if (existed.length > 0) yield existed.map((record) => record.id)
    // Oldest first: every product after this one is newer still.
    if (asOf && chunk.at(-1)!.createdAt > asOf) return
  }
}
