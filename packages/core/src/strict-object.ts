import { z } from 'zod'

/**
 * Names the keys an object refused and the keys it knows: `Unknown key "nmae" (known keys: sku,
 * name, description, q, active)`. The known keys are read from the schema that raised the issue,
 * so an `.extend()`ed or `.pick()`ed object names its own.
 */
function unknownKeys(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined
  const shape = (issue.inst as z.ZodObject | undefined)?._zod.def.shape ?? {}
  const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ')
  const known = Object.keys(shape).join(', ')
  return `Unknown key${issue.keys.length > 1 ? 's' : ''} ${keys} (known keys: ${known})`
}

/**
 * A zod object that refuses keys it does not declare, instead of dropping them: a misspelled
 * filter or field (`{"nmae": "lamp"}`, `{"qty": 5}`) fails with a message naming the key and the
 * known ones, where a stripping object would have matched everything or kept a default in
 * silence. Extending, picking or making it partial keeps it strict. Its JSON Schema says
 * `additionalProperties: false`, so clients generated from the OpenAPI document refuse them too.
 *
 * @example
 * ```ts
 * const filter = strictObject({ name: z.string().optional() })
 * filter.safeParse({ nmae: 'lamp' }).error?.issues[0]?.message
 * // 'Unknown key "nmae" (known keys: name)'
 * ```
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, { error: unknownKeys })
}
