import { VALUE_SPECS, type ValueField } from '../product/fields.js'
import { sameValue } from '../product/record-values.js'
import { publicValue } from '../product/wire.js'
import type {
  ChangeSample,
  FieldChange,
  ImporterStorage,
  ImportRow,
  ProductRecord,
} from '../storage/types.js'

/** Most updates a dry run shows before and after. */
export const MAX_CHANGE_SAMPLES = 10

/**
 * Data rows a dry run looks up for samples: each costs one read, so a file of 500k rows costs
 * the same few as a small one, and a file whose first rows create only ends the search early.
 */
export const CHANGE_SAMPLE_SCAN_ROWS = 2_000

/** Finds, batch by batch, the first rows of a file that would update a stored product. */
export interface ChangeSampler {
  /** The samples among these rows (in file order), until the bounds are reached. */
  sample(rows: readonly ImportRow[]): Promise<ChangeSample[]>
}

/**
 * A sampler over `storage`, which MUST hold the products as before the file (a dry run writes
 * nothing, so it does). A row whose SKU an earlier row of the file created or changed is skipped:
 * its "before" would be that row's result, not the stored product.
 */
export function createChangeSampler(
  storage: Pick<ImporterStorage, 'getProductBySkuKey'>,
  limits: { samples?: number; rows?: number } = {},
): ChangeSampler {
  const maxSamples = limits.samples ?? MAX_CHANGE_SAMPLES
  const maxRows = limits.rows ?? CHANGE_SAMPLE_SCAN_ROWS
  let scanned = 0
  let found = 0
  const touched = new Set<string>()
  return {
    async sample(rows) {
      const samples: ChangeSample[] = []
      for (const row of rows) {
        if (scanned >= maxRows || found >= maxSamples) break
        scanned++
        if (touched.has(row.skuKey)) continue
        const stored = await storage.getProductBySkuKey(row.skuKey)
        if (!stored) {
          touched.add(row.skuKey)
          continue
        }
        const changes = changedFields(stored, row)
        if (changes.length === 0) continue
        touched.add(row.skuKey)
        found++
        samples.push({ line: row.line, sku: stored.sku, changes })
      }
      return samples
    },
  }
}

/** The fields `row` gives that differ from `stored`, in the order the API lists them. */
function changedFields(stored: ProductRecord, row: ImportRow): FieldChange[] {
  const changes: FieldChange[] = []
  for (const spec of VALUE_SPECS) {
    const after = row[spec.key as keyof ImportRow]
    const before = stored[spec.key]
    if (after === undefined || sameValue(spec, after, before)) continue
    changes.push({
      field: spec.wire as ValueField,
      before: publicValue(spec, before) as FieldChange['before'],
      after: publicValue(spec, after) as FieldChange['after'],
    })
  }
  return changes
}
