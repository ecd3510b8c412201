import { z } from 'zod'
import { ApiError } from './errors.js'

const WORDS: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
}

/** The spellings a flag accepts, for messages and the OpenAPI document. */
export const FLAG_SPELLINGS = 'true/false, 1/0, yes/no or on/off (any case); a bare flag is true'

/**
 * Reads a yes/no parameter of a query string or a form field, the one rule for both: `true`,
 * `1`, `yes`, `on` and their opposites in any case, and a bare `?dry_run` (an empty value) for
 * true. Anything else is `undefined`: a misspelled flag must fail, never read as "no" (an
 * intended dry run that imports for real).
 */
export function parseFlag(value: string): boolean | undefined {
  const text = value.trim().toLowerCase()
  return text === '' ? true : WORDS[text]
}

/** A flag in a query string or a JSON body (a boolean there), parsed by {@link parseFlag}. */
export const flagSchema = flagOf(true)

/**
 * A flag that filters (`active`): the same words, but a blank value is refused rather than read
 * as true, since an empty box must never narrow (or widen) what a change reaches.
 */
export const filterFlagSchema = flagOf(false)

function flagOf(bareIsTrue: boolean) {
  const spellings = bareIsTrue ? FLAG_SPELLINGS : 'true/false, 1/0, yes/no or on/off (any case)'
  const refused = (value: unknown) => `must be ${spellings}, not ${JSON.stringify(value)}`
  return z
    .union(
      [
        z.boolean(),
        z.string().transform((value, ctx) => {
          const flag = bareIsTrue || value.trim() !== '' ? parseFlag(value) : undefined
          if (flag !== undefined) return flag
          ctx.addIssue({ code: 'custom', message: refused(value) })
          return z.NEVER
        }),
      ],
      // The union's own issue says what a flag takes, not zod's "Invalid input".
      { error: (issue) => refused(issue.input) },
    )
    .meta({ description: spellings })
}

/** A multipart field's flag, or a 400 naming the field. */
export function formFlag(name: string, value: string): boolean {
  const flag = parseFlag(value)
  if (flag !== undefined) return flag
  throw new ApiError(
    'VALIDATION_FAILED',
    `Invalid field ${name}: must be ${FLAG_SPELLINGS}, not ${JSON.stringify(value.slice(0, 100))}`,
  )
}
