import { createHash } from 'node:crypto'
import { normalizeHeader } from './header.js'

/**
 * A stable key for a header row: the SHA-256 (hex) of its distinct non-empty header names,
 * normalized as header matching does and sorted. Files with the same columns get the same
 * signature whatever their order, case or punctuation, since a mapping names columns, not
 * positions. A remembered column mapping is looked up by it.
 *
 * @example
 * ```ts
 * headerSignature(['Item No', 'Unit Price']) === headerSignature(['unit_price', 'ITEM NO']) // true
 * ```
 */
export function headerSignature(headers: readonly string[]): string {
  const names = [...new Set(headers.map(normalizeHeader).filter((name) => name !== ''))].sort()
  return createHash('sha256').update(names.join('\n')).digest('hex')
}
