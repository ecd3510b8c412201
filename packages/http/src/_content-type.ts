import { ApiError } from './errors.js'

// Which uploads count as CSV. Browsers label a .csv file inconsistently (Windows with Excel
// installed says application/vnd.ms-excel, some say text/plain or nothing), so the file name
// decides when there is one, the media type otherwise.

const CSV_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/x-csv',
  'application/x-csv',
  'text/comma-separated-values',
  'text/x-comma-separated-values',
  'text/tab-separated-values',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
  '',
])

const CSV_EXTENSIONS = new Set(['csv', 'tsv', 'txt'])

/** The media type without parameters, lower case. */
export function mediaType(header: string | null | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase()
}

/** Whether a file with this name and media type may be a CSV file. */
export function looksLikeCsv(filename: string | undefined, type: string): boolean {
  const extension = filename?.includes('.') ? filename.split('.').pop()!.toLowerCase() : undefined
  if (extension !== undefined) return CSV_EXTENSIONS.has(extension)
  return CSV_TYPES.has(type)
}

/** The file name of a `Content-Disposition` header, if any. */
export function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header)
  return plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]
}

/** The 415 for an upload that is not CSV. */
export function notCsv(type: string, filename: string | undefined): ApiError {
  return new ApiError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Expected a CSV file, got ${filename ? `"${filename}" ` : ''}(${type || 'no content type'}); send text/csv or a .csv file`,
    { headers: { connection: 'close' } },
  )
}
