import { toFieldMapping } from '../import/import-products.js'
import type { ImportHeader, ImportWarning } from '../import/types.js'
import type { ColumnMappingRecord, ImportJobPatch } from '../storage/types.js'

/** The fields of a job that say how its import read the file. */
export type ReadingPatch = Pick<
  ImportJobPatch,
  'platform' | 'mapping' | 'warnings' | 'rememberedMapping'
>

/**
 * Collects how a running import reads its file (the remembered mapping it applied, its platform
 * and mapping, its warnings) for the job's writes: the changes ride on the next progress write,
 * so saying it costs no write of its own, and the final write carries all of it.
 */
export function createReadingReport() {
  const report: ReadingPatch = {}
  let changed: ReadingPatch = {}
  const set = (patch: ReadingPatch) => {
    Object.assign(report, patch)
    Object.assign(changed, patch)
  }
  return {
    applied(remembered: ColumnMappingRecord) {
      set({ rememberedMapping: { signature: remembered.signature, columns: remembered.columns } })
    },
    header(header: ImportHeader) {
      // Warnings follow the header: a job that has read its header and has none says `[]`.
      set({ platform: header.platform, mapping: toFieldMapping(header), warnings: [] })
    },
    warning(warning: ImportWarning) {
      set({ warnings: [...(report.warnings ?? []), warning] })
    },
    /** What changed since the last call. */
    changes(): ReadingPatch {
      const out = changed
      changed = {}
      return out
    },
    all(): ReadingPatch {
      return { ...report }
    },
  }
}
