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

/** The body of an import of a staged upload, with its mapping when it has one. */
export function stagedImport(uploadId: string, mapping: MappingJson | undefined, dryRun = false) {
  return {
    upload_id: uploadId,
    ...(dryRun ? { dry_run: true } : {}),
    ...(mapping ? { mapping } : {}),
  }
}
