/** The accepted range of an integer flag, both ends included. */
export interface IntegerRange {
  min: number
  max: number
}

/**
 * Replaces each listed flag's string value in `values` with its integer, or throws an Error
 * whose message names the flag, the range and what was given: `Number('abc')` is NaN, and a
 * NaN batch size or port would otherwise travel on silently.
 */
export function readIntegerFlags(
  values: Record<string, unknown>,
  ranges: Record<string, IntegerRange>,
): void {
  for (const [flag, { min, max }] of Object.entries(ranges)) {
    const given = values[flag]
    if (given === undefined) continue
    const text = String(given).trim()
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new Error(`--${flag} must be a whole number from ${min} to ${max}, got "${given}"`)
    }
    values[flag] = value
  }
}
