import type { SqlFlavor } from '@product-importer/core/sql'
import { type SqlBool, sql } from 'kysely'
import { postgresMigrations } from './_migrations.js'
import type { SearchColumn } from './types.js'

/** PostgreSQL as the shared queries see it, with its own migrations for these search columns. */
export function postgresFlavor(searchIndexes: readonly SearchColumn[], schema?: string): SqlFlavor {
  return {
    name: 'postgres',
    label: 'PostgreSQL',
    ...(schema ? { migrationSchema: schema } : {}),
    time: (date) => date,
    bool: (value) => value,
    ilike: 'ilike',
    skipLocked: true,
    lockTable: (table) => `lock table ${table} in share row exclusive mode`,
    types: {
      time: 'timestamptz',
      bool: 'boolean',
      bigint: 'bigint',
      serial: 'bigserial',
      autoIncrement: false,
      json: 'jsonb',
    },
    // `@>` is what a jsonb_path_ops GIN index serves.
    listHas: (column, item) => sql<SqlBool>`${sql.ref(column)} @> ${JSON.stringify([item])}::jsonb`,
    startsWith: (column, prefix) =>
      sql<SqlBool>`${sql.ref(column)} like ${`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`,
    migrations: postgresMigrations(searchIndexes),
  }
}
