import { FIELD_NAMES, type ProductField } from '../product/fields.js'
import type { ImportWarning } from './types.js'

// The formula guard of the safe export, in one place for export and import. Spreadsheets run a
// cell that starts with = + - @ (or tab, CR) as a formula; the safe export puts a `'` before
// such text, and before text that already starts with `'`, so that removing one `'` on import
// gives back exactly what was stored. Import removes it only in files whose header carries the
// mark column: in any other file a leading `'` is something a user typed, and it is kept.
//
// One file is ambiguous: the export's own header without the mark column. It is a plain export
// (text as stored) or a safe export whose last column a spreadsheet tidy-up or `cut` removed
// (text guarded). Guessing either way corrupts the other (`'-RT3` imported beside `-RT3`), so
// there a text in the guarded form is refused, and every other text is read as it is: in a
// safe export only guarded text starts with `'` followed by = + - @ ' tab or CR.

/** The export header, every field of the table; import maps each name back to its field. */
export const EXPORT_COLUMNS: readonly ProductField[] = FIELD_NAMES

/** The export header before the catalog fields: such files are exports too. */
const FIRST_EXPORT_COLUMNS = ['sku', 'name', 'description', 'price', 'quantity', 'active']

/** The last header cell of a safe export; rows leave it out. */
export const FORMULA_GUARD_COLUMN = 'formula_guard'

/**
 * How an import reads a leading `'`: `undo` the safe export's guard, `refuse` text in the
 * guarded form (the export's header without its mark column), or `keep` it as typed.
 */
export type FormulaGuard = 'undo' | 'refuse' | 'keep'

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

/** Whether `text` has the form {@link guardFormula} gives formula-like text: `'=`, `''`, ... */
export function looksGuarded(text: string): boolean {
  return GUARDED.test(text)
}

/** Whether a header row is a safe export's: its last cell is the mark column. */
export function hasFormulaGuard(header: readonly string[]): boolean {
  return header.length > 1 && header.at(-1)!.trim().toLowerCase() === FORMULA_GUARD_COLUMN
}

/** How a file with this header row reads a leading `'` (see {@link FormulaGuard}). */
export function formulaGuardOf(header: readonly string[]): FormulaGuard {
  if (hasFormulaGuard(header)) return 'undo'
  const is = (columns: readonly string[]) =>
    header.length === columns.length &&
    columns.every((column, i) => header[i]!.replace(/^\uFEFF/, '').trim() === column)
  return is(EXPORT_COLUMNS) || is(FIRST_EXPORT_COLUMNS) ? 'refuse' : 'keep'
}

const NO_MARK = `but the header has no ${FORMULA_GUARD_COLUMN} column`

/** Why a text in the guarded form is refused in a file without the mark column. */
export function missingGuardMessage(field: string, text: string): string {
  const unguarded = text.slice(1)
  return `${field} "${text}" starts as export --safe guards a formula (' before = + - @ or '), ${NO_MARK} to say so, and could as well mean "${unguarded}": put that last header column back to import "${unguarded}" (text meant to start so round-trips through export --safe)`
}

/** Whether a row error is {@link missingGuardMessage}'s. */
export function isMissingGuard(error: { message: string }): boolean {
  return error.message.includes(NO_MARK)
}

/** The warning of a file whose rows {@link missingGuardMessage} refused. */
export function missingGuardWarning(rows: number): ImportWarning {
  return {
    code: 'FORMULA_GUARD_MISSING',
    message: `${rows} ${rows === 1 ? 'row was' : 'rows were'} refused: text starts as export --safe guards a formula, but the header, the export's own, has no ${FORMULA_GUARD_COLUMN} column (removed after the export?); put it back at the end of the header and import again`,
  }
}
