import { FIELD_NAMES, FIELDS as FIELD_TABLE } from '../../../../core/src/product/fields.js'

/**
 * The product fields a column maps to, with their labels, in the order the UI lists them: the
 * field table's, so a field added there is offered here too.
 */
export const FIELDS: [string, string][] = FIELD_NAMES.map((field) => [
  field,
  FIELD_TABLE[field].label,
])

/** A column mapping as the API takes it: field to header name, `null` for "do not import". */
export type MappingJson = Record<string, string | null>

/**
 * The mapping a step carries in its URL (`map=<JSON>`), so a reload or a retry imports the file
 * the way it was mapped. Anything that is not such an object counts as no mapping.
 */
export function mappingParam(params: URLSearchParams): MappingJson | undefined {
  const text = params.get('map')
  if (!text) return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
    const entries = Object.entries(parsed)
    const valid = entries.every(([, v]) => v === null || typeof v === 'string')
    return valid && entries.length > 0 ? (parsed as MappingJson) : undefined
  } catch {
    return undefined
  }
}

/**
 * The body of an import of a staged upload, with its mapping when it has one. `remember` asks
 * the server to remember the mapping for files with the same header (a mapping the user chose).
 */
export function stagedImport(
  uploadId: string,
  mapping: MappingJson | undefined,
  options: { dryRun?: boolean; remember?: boolean } = {},
) {
  return {
    upload_id: uploadId,
    ...(options.dryRun ? { dry_run: true } : {}),
    ...(mapping ? { mapping } : {}),
    ...(mapping && options.remember ? { remember: true } : {}),
  }
}

/**
 * Exactly the mapping a job read its file with (field to header, as its `mapping` says), every
 * other field turned off: an import sent with it reads the columns the job did, whatever
 * mapping is remembered for the header by then.
 */
export function mappingOf(read: Record<string, string | undefined>): MappingJson {
  const mapping: MappingJson = {}
  for (const [field] of FIELDS) mapping[field] = read[field] ?? null
  return mapping
}
