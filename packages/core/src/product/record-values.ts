import type { ProductRecord, ProductValues } from '../storage/types.js'
import { FIELD_NAMES, FIELDS, type FieldSpec, VALUE_SPECS } from './fields.js'
import { publicValue } from './wire.js'

const SPECS: readonly FieldSpec[] = FIELD_NAMES.map((field) => FIELDS[field])

/** Whether two values of a field are the same: lists item by item, the rest as they are. */
export function sameValue(spec: FieldSpec, a: unknown, b: unknown): boolean {
  if (spec.kind !== 'list') return a === b
  const x = a as readonly string[]
  const y = b as readonly string[]
  return x.length === y.length && x.every((item, i) => item === y[i])
}

/** Parsed input (SDK names, money in cents) as record values; absent fields stay absent. */
export function toRecordValues(parsed: Readonly<Record<string, unknown>>): Partial<ProductValues> {
  const values: Record<string, unknown> = {}
  for (const spec of SPECS) {
    const value = parsed[spec.sdk]
    if (value !== undefined) values[spec.key] = value
  }
  return values as Partial<ProductValues>
}

/** A new product's value of each field with a default, as the SDK's input gives them. */
export function defaultInput(): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const spec of VALUE_SPECS) {
    if (spec.default === undefined) continue
    const value = Array.isArray(spec.default) ? [...spec.default] : spec.default
    input[spec.sdk] = publicValue(spec, value)
  }
  return input
}

/** The fields of `values` that differ from `current`. */
export function differingFields(
  current: ProductRecord,
  values: Partial<ProductValues>,
): FieldSpec[] {
  const given = values as Record<string, unknown>
  return SPECS.filter(
    (spec) => given[spec.key] !== undefined && !sameValue(spec, given[spec.key], current[spec.key]),
  )
}
