import type { z } from 'zod'
import { ImporterError } from './errors.js'

/**
 * Parses `input` with `schema`, or throws `VALIDATION_FAILED` whose message names the first
 * problem's field and whose details are every zod issue.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const first = result.error.issues[0]
  const where = first?.path.length ? `${first.path.join('.')}: ` : ''
  throw new ImporterError('VALIDATION_FAILED', `${where}${first?.message ?? 'invalid input'}`, {
    details: result.error.issues,
  })
}
