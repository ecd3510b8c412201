import type { SqlFlavor } from '@product-importer/core/sql'
import { type SqlBool, sql } from 'kysely'
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
    json: 'text',
  },
  listHas: (column, item) =>
    sql<SqlBool>`exists (select 1 from json_each(${sql.ref(column)}) where value = ${item})`,
  // SQLite's LIKE ignores ASCII letter case, and GLOB needs its own escapes: a substring is
  // exact.
  startsWith: (column, prefix) =>
    sql<SqlBool>`substr(${sql.ref(column)}, 1, length(${prefix})) = ${prefix}`,
  migrations: sqliteMigrations,
}
