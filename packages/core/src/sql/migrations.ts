import {
  type ColumnDataType,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely'
import { ImporterError } from '../errors.js'
import { nameKey } from '../product/name-key.js'
import { NEW_PRODUCT_DEFAULTS } from '../product/new-product.js'
import type { SqlFlavor } from './flavor.js'
import { toPreviousSecretsJson } from './rows.js'

const MIGRATION_TABLE = 'product_importer_migrations'

// Migrations live in code: a file-based provider breaks once the package is bundled.
function sharedMigrations(flavor: SqlFlavor): Record<string, Migration> {
  const { time, bool, bigint: big, serial, autoIncrement, json } = flavor.types
  return {
    '0001_products_and_imports': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('products')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('sku', 'text', (c) => c.notNull())
          .addColumn('sku_key', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) =>
            c.notNull().defaultTo(NEW_PRODUCT_DEFAULTS.description),
          )
          .addColumn('price_cents', big)
          .addColumn('quantity', 'integer', (c) =>
            c.notNull().defaultTo(NEW_PRODUCT_DEFAULTS.quantity),
          )
          .addColumn('active', bool, (c) =>
            c.notNull().defaultTo(flavor.bool(NEW_PRODUCT_DEFAULTS.active)),
          )
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
          .addColumn('cancel_requested', bool, (c) => c.notNull().defaultTo(flavor.bool(false)))
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
          .addColumn('id', serial, (c) =>
            autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey(),
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
    '0002_webhooks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('event_types', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('active', bool, (c) => c.notNull().defaultTo(flavor.bool(true)))
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('previous_secret', 'text')
          .addColumn('previous_secret_expires_at', time)
          .addColumn('rate_limit', 'integer')
          .addColumn('per_row_events', bool, (c) => c.notNull().defaultTo(flavor.bool(false)))
          .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('failing_since', time)
          .addColumn('disabled_reason', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('endpoint_id', 'text', (c) =>
            c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
          )
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', time, (c) => c.notNull())
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', time)
          .addColumn('last_status_code', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('finished_at', time)
          .execute()
        // What dispatchers claim: pending deliveries by due time.
        await db.schema
          .createIndex('webhook_deliveries_due_idx')
          .on('webhook_deliveries')
          .columns(['status', 'next_attempt_at'])
          .execute()
        await db.schema
          .createIndex('webhook_deliveries_endpoint_idx')
          .on('webhook_deliveries')
          .columns(['endpoint_id', 'created_at'])
          .execute()

        await db.schema
          .createTable('webhook_attempts')
          .addColumn('id', serial, (c) =>
            autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('delivery_id', 'text', (c) =>
            c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
          )
          .addColumn('endpoint_id', 'text', (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('status_code', 'integer')
          .addColumn('response_time_ms', 'integer', (c) => c.notNull())
          .addColumn('error_message', 'text')
          .addColumn('response_body', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('webhook_attempts_endpoint_idx')
          .on('webhook_attempts')
          .columns(['endpoint_id', 'id'])
          .execute()
        await db.schema
          .createIndex('webhook_attempts_created_idx')
          .on('webhook_attempts')
          .column('created_at')
          .execute()
      },
    },
    '0003_column_mappings': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('column_mappings')
          .addColumn('signature', 'text', (c) => c.primaryKey())
          .addColumn('columns', 'text', (c) => c.notNull())
          .addColumn('headers', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute()
      },
    },
    // Who runs a job and whether it is alive, and where a resume starts: a job whose owner died
    // becomes `interrupted` instead of `running` forever.
    '0004_job_heartbeat': {
      async up(db: Kysely<unknown>) {
        for (const [column, type] of [
          ['owner_id', 'text'],
          ['heartbeat_at', time],
          ['checkpoint', 'text'],
          ['resume', 'text'],
        ] as const) {
          await db.schema.alterTable('import_jobs').addColumn(column, type).execute()
        }
        await db.schema
          .createIndex('import_jobs_status_idx')
          .on('import_jobs')
          .column('status')
          .execute()
      },
    },
    // What a dry run found an update would change, shown by the import preview.
    '0005_job_preview': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('import_jobs').addColumn('change_samples', 'text').execute()
      },
    },
    // Per-row import events as one compact record per batch and event type, expanded into
    // deliveries by the dispatcher: a delivery row per product in the batch's transaction made
    // an import with them 1.75x as long.
    '0006_webhook_row_events': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_row_events')
          .addColumn('id', serial, (c) =>
            autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('endpoint_ids', 'text', (c) => c.notNull())
          .addColumn('product_ids', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute()
      },
    },
    // How a job read its file (platform, field to header, warnings, the remembered mapping it
    // applied), so a job read later still says it.
    '0007_job_reading': {
      async up(db: Kysely<unknown>) {
        await atomically(db, async (db) => {
          for (const column of ['platform', 'mapping', 'warnings', 'remembered_mapping']) {
            await db.schema.alterTable('import_jobs').addColumn(column, 'text').execute()
          }
        })
      },
    },
    // Every secret rotated out within its grace period keeps signing, not only the last one: a
    // second rotation within the grace period used to drop the secret receivers still held.
    '0008_webhook_previous_secrets': {
      // biome-ignore lint/suspicious/noExplicitAny: the schema of this migration's time
      async up(db: Kysely<any>) {
        await atomically(db, async (db) => {
          await db.schema
            .alterTable('webhook_endpoints')
            .addColumn('previous_secrets', 'text', (c) => c.notNull().defaultTo('[]'))
            .execute()
          const now = new Date()
          const rows = await db
            .selectFrom('webhook_endpoints')
            .select(['id', 'previous_secret', 'previous_secret_expires_at'])
            .where('previous_secret', 'is not', null)
            .where('previous_secret_expires_at', 'is not', null)
            .execute()
          for (const row of rows) {
            const expiresAt = new Date(row.previous_secret_expires_at as number | Date | string)
            if (expiresAt <= now) continue
            await db
              .updateTable('webhook_endpoints')
              .set({
                previous_secrets: toPreviousSecretsJson([
                  { secret: row.previous_secret, expiresAt },
                ]),
              })
              .where('id', '=', row.id)
              .execute()
          }
          for (const column of ['previous_secret', 'previous_secret_expires_at']) {
            await db.schema.alterTable('webhook_endpoints').dropColumn(column).execute()
          }
        })
      },
    },
    // What products sort by name on (see nameKey): the same order on every database.
    '0009_product_name_key': {
      async up(db: Kysely<unknown>) {
        await atomically(db, async (db) => {
          await db.schema
            .alterTable('products')
            .addColumn('name_key', 'text', (c) => c.notNull().defaultTo(''))
            .execute()
          await fillNameKeys(db)
        })
      },
    },
    '0010_catalog_fields': {
      // Nullable columns, and lists with a constant default: both databases add them to the
      // table's definition alone, without rewriting a row, however many products there are.
      async up(db: Kysely<unknown>) {
        await atomically(db, async (db) => {
          const add = (column: string, type: ColumnDataType, list = false) =>
            db.schema
              .alterTable('products')
              .addColumn(column, type, (c) => (list ? c.notNull().defaultTo(sql.raw(`'[]'`)) : c))
              .execute()
          await add('barcode', 'text')
          await add('brand', 'text')
          await add('category', 'text')
          await add('tags', json, true)
          await add('images', json, true)
          await add('compare_at_price_cents', big)
          await add('weight_grams', 'integer')
          await add('variant_group', 'text')
        })
      },
    },
  }
}

/** Products whose `name_key` is filled in one statement. */
const NAME_KEY_CHUNK = 500

/** Sets `name_key` of every product stored before the column existed, a chunk at a time. */
async function fillNameKeys(db: Kysely<unknown>): Promise<void> {
  let after = ''
  for (;;) {
    const { rows } = await sql<{ id: string; name: string }>`select id, name from products
      where id > ${after} order by id limit ${NAME_KEY_CHUNK}`.execute(db)
    if (rows.length === 0) return
    const keys = sql.join(
      rows.map((row) => sql`when ${row.id} then ${nameKey(row.name)}`),
      sql` `,
    )
    const ids = sql.join(rows.map((row) => row.id))
    await sql`update products set name_key = case id ${keys} end where id in (${ids})`.execute(db)
    after = rows.at(-1)!.id
  }
}

/**
 * Runs a migration's steps in one transaction where the migrator does not open one (SQLite,
 * whose DDL is transactional all the same): a migration cut off half way (a kill during the
 * fill of a new column) then leaves nothing behind, instead of a column that makes its next run
 * fail. PostgreSQL's migrations already run inside a transaction.
 */
async function atomically<DB>(
  db: Kysely<DB>,
  run: (db: Kysely<DB>) => Promise<void>,
): Promise<void> {
  if (db.isTransaction) await run(db)
  else await db.transaction().execute(run)
}

/** Names of the migrations the database has run; empty before the first migration. */
// biome-ignore lint/suspicious/noExplicitAny: any schema
async function executedMigrations(db: Kysely<any>, schema?: string): Promise<Set<string>> {
  try {
    const table = schema ? `${schema}.${MIGRATION_TABLE}` : MIGRATION_TABLE
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db)
    return new Set(rows.map((row) => row.name))
  } catch {
    // No migration table where this connection looks (its schema or search path): a table of
    // that name in another schema of the same database is another installation's.
    return new Set()
  }
}

/**
 * Creates or upgrades the schema: the shared migrations, then the flavor's own. Kysely's
 * migrator takes a lock, so several processes may call it at once.
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator takes a database of any schema
export async function migrateToLatest(db: Kysely<any>, flavor: SqlFlavor): Promise<void> {
  // Read before the migrator holds the connection: SQLite has only the one.
  const migrations = {
    ...sharedMigrations(flavor),
    ...(await flavor.migrations?.(db, await executedMigrations(db, flavor.migrationSchema))),
  }
  const provider: MigrationProvider = { getMigrations: async () => migrations }
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    ...(flavor.migrationSchema ? { migrationTableSchema: flavor.migrationSchema } : {}),
    // A flavor's migrations sort after the shared ones, and a shared migration added later must
    // still run on a database that ran them.
    allowUnorderedMigrations: true,
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    const reason = error instanceof Error ? error.message : String(error)
    throw new ImporterError(
      'STORAGE_FAILED',
      `${flavor.label} migration ${failed ?? ''} failed: ${reason}`.replace('  ', ' '),
      { cause: error },
    )
  }
}
