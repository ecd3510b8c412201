import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ImporterError } from '../errors.js'

/**
 * The parse worker's file, beside this module. A service bundled into one file loses it unless
 * the file is copied beside the bundle: say so, instead of the worker's "Cannot find module".
 */
export function parseWorkerFile(): URL {
  const url = new URL('./parse-worker.js', import.meta.url)
  if (existsSync(url)) return url
  throw new ImporterError(
    'PARSER_FAILED',
    `the CSV parser's worker file is missing at ${fileURLToPath(url)}: a bundled service copies node_modules/@product-importer/core/dist/parse-worker.js beside its bundle (see docs/embedding.md, "Bundling")`,
  )
}
