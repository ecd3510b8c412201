import { ImporterError } from '../errors.js'
import { normalizeHeader, PRODUCT_FIELDS } from '../import/header.js'
import { headerSignature } from '../import/header-signature.js'
import type { ColumnMapping, ProductField } from '../import/types.js'
import type { ColumnMappingRecord, ImporterStorage } from '../storage/types.js'
import type { MappingsApi } from './types.js'

/**
 * Checks a mapping against the headers it is for: known fields only, every named header among
 * them, no header given to two fields. Throws MAPPING_INVALID listing the headers.
 */
export function checkMapping(headers: readonly string[], columns: ColumnMapping): ColumnMapping {
  const names = headers.map(normalizeHeader)
  const taken = new Map<string, string>()
  const checked: ColumnMapping = {}
  const invalid = (message: string) =>
    new ImporterError('MAPPING_INVALID', `${message}; the headers are: ${headers.join(', ')}`, {
      details: { headers: [...headers] },
    })
  for (const [field, header] of Object.entries(columns)) {
    if (header === undefined) continue
    if (!PRODUCT_FIELDS.includes(field as ProductField)) {
      throw invalid(`"${field}" is no product field (${PRODUCT_FIELDS.join(', ')})`)
    }
    if (header !== null) {
      const name = normalizeHeader(header)
      if (!names.includes(name)) throw invalid(`the mapping gives ${field} the column "${header}"`)
      const other = taken.get(name)
      if (other) throw invalid(`the mapping gives column "${header}" to both ${other} and ${field}`)
      taken.set(name, field)
    }
    checked[field as ProductField] = header
  }
  if (Object.keys(checked).length === 0) throw invalid('the mapping maps no field')
  return checked
}

/** Remembered column mappings over a storage. */
export function createMappingsApi(
  storage: ImporterStorage,
  ready: () => Promise<void>,
): MappingsApi {
  return {
    async list() {
      await ready()
      return storage.listMappings()
    },
    async get(signatureOrHeaders) {
      await ready()
      const signature =
        typeof signatureOrHeaders === 'string'
          ? signatureOrHeaders
          : headerSignature(signatureOrHeaders)
      return storage.getMapping(signature)
    },
    async save(headers, columns) {
      await ready()
      return saveMapping(storage, headers, columns)
    },
    async delete(signature) {
      await ready()
      return storage.deleteMapping(signature)
    },
  }
}

/** Checks and stores a mapping under the signature of `headers`. */
export function saveMapping(
  storage: ImporterStorage,
  headers: readonly string[],
  columns: ColumnMapping,
): Promise<ColumnMappingRecord> {
  const checked = checkMapping(headers, columns)
  const now = new Date()
  return storage.saveMapping({
    signature: headerSignature(headers),
    columns: checked,
    headers: headers.map((header) => header.trim()),
    createdAt: now,
    updatedAt: now,
  })
}
