import { type ColumnMapping, inspectProducts, type ProductImporter } from '@product-importer/core'
import { toInspectionJson } from './inspect-upload.js'
import { toMappingJson } from './routes/mappings.js'

/**
 * How a staged file will import, for the mapping step of the web UI: the inspection of its
 * head, with the mapping remembered for its header applied and returned as
 * `remembered_mapping` (null when none is). A file whose sku column is unknown is inspected
 * all the same (no column maps to sku, its rows show as invalid) so that a user can map it.
 * An explicit `columns` mapping is applied instead of the remembered one.
 */
export async function inspectStaged(
  importer: ProductImporter,
  path: string,
  options: Omit<Parameters<typeof inspectProducts>[1] & {}, 'columns'> & {
    columns?: ColumnMapping
  },
) {
  const { columns, ...reading } = options
  const detected = await inspectProducts(path, { ...reading, skuOptional: true })
  const remembered = await importer.mappings.get(detected.columns.map((c) => c.header))
  const chosen = columns ?? remembered?.columns
  const seen = chosen
    ? await inspectProducts(path, { ...reading, columns: chosen, skuOptional: true })
    : detected
  return {
    ...toInspectionJson(seen),
    remembered_mapping: remembered ? toMappingJson(remembered) : null,
  }
}
