const PLAIN_ASCII = /^[\x20-\x7e]*$/

/**
 * The one normalization that makes SKUs case-insensitive: trim, Unicode NFKC and full case
 * folding, so `"ABC-1"`, `"abc-1"` and `"Abc-1"` are one product, and so are `"STRASSE"` and
 * `"straße"`. Adapters store it in a plain UNIQUE column, so every database agrees exactly.
 *
 * @example
 * ```ts
 * skuKey(' Straße-1 ') === skuKey('STRASSE-1') // true
 * ```
 */
export function skuKey(sku: string): string {
  const trimmed = sku.trim()
  if (PLAIN_ASCII.test(trimmed)) return trimmed.toLowerCase()
  // Upper-casing first applies the special casings (ß -> SS, ﬁ -> FI) that full case folding
  // has and a plain toLowerCase() lacks; final sigma folds to sigma as in CaseFolding.txt.
  const folded = trimmed.normalize('NFKC').toUpperCase().toLowerCase().replace(/ς/g, 'σ')
  return folded.normalize('NFKC')
}
