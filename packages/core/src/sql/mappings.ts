import type { Kysely, Selectable } from 'kysely'
import type { ColumnMappingRecord } from '../storage/types.js'
import type { SqlFlavor } from './flavor.js'
import type { ColumnMappingsTable, ImporterDatabase } from './schema.js'

// Times come back as milliseconds from SQLite and as Date from PostgreSQL.
const toDate = (value: number | Date | string): Date =>
  value instanceof Date ? value : new Date(Number(value))

function toMappingRecord(row: Selectable<ColumnMappingsTable>): ColumnMappingRecord {
  return {
    signature: row.signature,
    columns: JSON.parse(row.columns),
    headers: JSON.parse(row.headers),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  }
}

/** Shared queries of remembered column mappings. */
export function createMappingQueries(db: Kysely<ImporterDatabase>, flavor: SqlFlavor) {
  const get = async (signature: string) => {
    const row = await db
      .selectFrom('column_mappings')
      .selectAll()
      .where('signature', '=', signature)
      .executeTakeFirst()
    return row && toMappingRecord(row)
  }
  return {
    get,

    async save(record: ColumnMappingRecord): Promise<ColumnMappingRecord> {
      const columns = JSON.stringify(record.columns)
      const headers = JSON.stringify(record.headers)
      const updatedAt = flavor.time(record.updatedAt)
      await db
        .insertInto('column_mappings')
        .values({
          signature: record.signature,
          columns,
          headers,
          created_at: flavor.time(record.createdAt),
          updated_at: updatedAt,
        })
        // One statement, so two imports saving the same signature at once both succeed.
        .onConflict((oc) =>
          oc.column('signature').doUpdateSet({ columns, headers, updated_at: updatedAt }),
        )
        .execute()
      return (await get(record.signature))!
    },

    async list(): Promise<ColumnMappingRecord[]> {
      const rows = await db
        .selectFrom('column_mappings')
        .selectAll()
        .orderBy('updated_at', 'desc')
        .orderBy('signature')
        .execute()
      return rows.map(toMappingRecord)
    },

    async delete(signature: string): Promise<boolean> {
      const result = await db
        .deleteFrom('column_mappings')
        .where('signature', '=', signature)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
