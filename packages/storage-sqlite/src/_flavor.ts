import type { SqlFlavor } from '@product-importer/core/sql'
import { sql } from 'kysely'
import { sqliteMigrations } from './_migrations.js'

/** SQLite as the shared queries see it: times as integer milliseconds, booleans as 0/1. */
export const sqliteFlavor: SqlFlavor = {
  name: 'sqlite',
  label: 'SQLite',
  time: (date) => date.getTime(),
  bool: (value) => (value ? 1 : 0),
  ilike: 'like',
  unindexed: (column) => sql`+${sql.ref(column)}`,
  types: {
    time: 'integer',
    bool: 'integer',
    bigint: 'integer',
    serial: 'integer',
    autoIncrement: true,
  },
  migrations: sqliteMigrations,
}
