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

// What a file that is not CSV is, by its name's extension: the message says what the user
// sent and what to do, rather than restating the media type the browser put on it.
const NOT_CSV_KINDS: [RegExp, string][] = [
  [/^(xlsx|xlsm|xlsb|xls)$/, 'is an Excel workbook; save it as CSV first'],
  [/^(ods|numbers)$/, 'is a spreadsheet; save it as CSV first'],
  [
    /^(png|jpe?g|gif|webp|svg|bmp|tiff?|heic|avif)$/,
    'is an image, not a CSV file; send a .csv, .tsv or .txt file',
  ],
  [/^pdf$/, 'is a PDF document, not a CSV file; send a .csv, .tsv or .txt file'],
  [/^(zip|gz|tgz|7z|rar|bz2|xz)$/, 'is an archive; take the CSV file out of it first'],
]

/** What is wrong with an upload that is not CSV, said of the file the user chose. */
export function notCsvMessage(type: string, filename: string | undefined): string {
  const extension = filename?.includes('.') ? filename.split('.').pop()!.toLowerCase() : undefined
  if (filename && extension !== undefined && !CSV_EXTENSIONS.has(extension)) {
    const kind = NOT_CSV_KINDS.find(([pattern]) => pattern.test(extension))?.[1]
    return `${filename} ${kind ?? `is not a CSV file (.${extension}); send a .csv, .tsv or .txt file`}`
  }
  if (filename && extension !== undefined) {
    // A CSV file sent the wrong way (a form post where the raw body was expected).
    return `Send ${filename} as the raw body (text/csv), not as ${type || 'no content type'}`
  }
  return `The upload is ${type || 'of no content type'}, not CSV; send text/csv or a .csv file`
}

/** The 415 for an upload that is not CSV. */
export function notCsv(type: string, filename: string | undefined): ApiError {
  return new ApiError('UNSUPPORTED_MEDIA_TYPE', notCsvMessage(type, filename), {
    headers: { connection: 'close' },
  })
}
