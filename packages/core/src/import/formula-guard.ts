// The formula guard of the safe export, in one place for export and import. Spreadsheets run a
// cell that starts with = + - @ (or tab, CR) as a formula; the safe export puts a `'` before
// such text, and before text that already starts with `'`, so that removing one `'` on import
// gives back exactly what was stored. Import removes it only in files whose header carries the
// mark column: in any other file a leading `'` is something a user typed, and it is kept.

/** The last header cell of a safe export; rows leave it out. */
export const FORMULA_GUARD_COLUMN = 'formula_guard'

const NEEDS_GUARD = /^[=+\-@\t\r']/
const GUARDED = /^'[=+\-@\t\r']/

/** The text as the safe export writes it: `=1+1` -> `'=1+1`, `'x` -> `''x`. */
export function guardFormula(text: string): string {
  return NEEDS_GUARD.test(text) ? `'${text}` : text
}

/** Undoes {@link guardFormula}: `'=1+1` -> `=1+1`; other text is returned as it is. */
export function unguardFormula(text: string): string {
  return GUARDED.test(text) ? text.slice(1) : text
}

/** Whether a header row is a safe export's: its last cell is the mark column. */
export function hasFormulaGuard(header: readonly string[]): boolean {
  return header.length > 1 && header.at(-1)!.trim().toLowerCase() === FORMULA_GUARD_COLUMN
}
