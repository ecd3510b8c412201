import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import { ImporterError } from '../errors.js'
import type { SqlFlavor } from './flavor.js'

// Migrations live in code: a file-based provider breaks once the package is bundled.
function migrations(flavor: SqlFlavor): Record<string, Migration> {
  const pg = flavor.name === 'postgres'
  const time = pg ? 'timestamptz' : 'integer'
  const bool = pg ? 'boolean' : 'integer'
  const big = pg ? 'bigint' : 'integer'
  return {
    '0001_products_and_imports': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('products')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('sku', 'text', (c) => c.notNull())
          .addColumn('sku_key', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('price_cents', big)
          .addColumn('quantity', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('active', bool, (c) => c.notNull().defaultTo(pg ? true : 1))
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('products_created_idx')
          .on('products')
          .columns(['created_at', 'id'])
          .execute()
        await db.schema.createIndex('products_active_idx').on('products').column('active').execute()

        await db.schema
          .createTable('import_jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('filename', 'text')
          .addColumn('dry_run', bool, (c) => c.notNull())
          .addColumn('bytes_read', big, (c) => c.notNull().defaultTo(0))
          .addColumn('bytes_total', big)
          .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('invalid', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('duplicates_in_file', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cancel_requested', bool, (c) => c.notNull().defaultTo(pg ? false : 0))
          .addColumn('error_code', 'text')
          .addColumn('error_message', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('started_at', time)
          .addColumn('finished_at', time)
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('import_jobs_created_idx')
          .on('import_jobs')
          .column('created_at')
          .execute()

        await db.schema
          .createTable('import_row_errors')
          .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
            pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('job_id', 'text', (c) =>
            c.notNull().references('import_jobs.id').onDelete('cascade'),
          )
          .addColumn('line', 'integer', (c) => c.notNull())
          .addColumn('sku', 'text')
          .addColumn('column_name', 'text')
          .addColumn('value', 'text')
          .addColumn('message', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('import_row_errors_job_idx')
          .on('import_row_errors')
          .columns(['job_id', 'id'])
          .execute()
      },
    },
  }
}

/**
 * Creates or upgrades the schema. Kysely's migrator takes a lock, so several processes may
 * call it at once.
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator takes a database of any schema
export async function migrateToLatest(db: Kysely<any>, flavor: SqlFlavor): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(flavor) }
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'product_importer_migrations',
    migrationLockTableName: 'product_importer_migrations_lock',
  })
  const { error } = await migrator.migrateToLatest()
  if (error) {
    throw new ImporterError('STORAGE_FAILED', `migration failed: ${String(error)}`, {
      cause: error,
    })
  }
}
