import type { InspectOptions } from '../import/inspect.js'
import { peekHeader } from '../import/peek-header.js'
import type { ColumnMapping, ImportHeader, ImportSource } from '../import/types.js'
import type { ColumnMappingRecord, ImporterStorage } from '../storage/types.js'
import { saveMapping } from './mappings-api.js'

/** A source ready to import, with the mapping remembered for its header, if any. */
export interface RememberedSource {
  source: ImportSource
  /** The source's size when known. */
  bytesTotal?: number
  /** The mapping stored for the source's header signature. */
  remembered?: ColumnMappingRecord
}

/**
 * Looks up the mapping remembered for a source's header: reads the header from the head of the
 * source (bounded) and gives back a source that still holds every byte. Pass `remembered.columns`
 * as the import's `columns` option.
 *
 * @example
 * ```ts
 * const { source, remembered } = await applyRememberedMapping(storage, 'items.csv')
 * for await (const event of importProducts(source, { storage, columns: remembered?.columns })) {}
 * ```
 */
export async function applyRememberedMapping(
  storage: ImporterStorage,
  source: ImportSource,
  options: Pick<InspectOptions, 'encoding' | 'delimiter' | 'signal'> = {},
): Promise<RememberedSource> {
  const peeked = await peekHeader(source, options)
  const remembered = peeked.signature ? await storage.getMapping(peeked.signature) : undefined
  return {
    source: peeked.source,
    ...(peeked.bytesTotal === null ? {} : { bytesTotal: peeked.bytesTotal }),
    ...(remembered ? { remembered } : {}),
  }
}

/**
 * Remembers the mapping an import used, under the signature of the header it read (the
 * `header` event of {@link importProducts}), so the next file with those headers maps itself.
 */
export function rememberMapping(
  storage: ImporterStorage,
  header: ImportHeader,
  columns: ColumnMapping,
): Promise<ColumnMappingRecord> {
  return saveMapping(
    storage,
    header.columns.map((column) => column.header),
    columns,
  )
}
