import type { Kysely } from 'kysely'
import type { ImporterDatabase } from './schema.js'

/** The SQL dialects the Kysely adapters run on, as a host's Kysely instance must speak them. */
export type HostKyselyDialect = 'postgres' | 'sqlite'

/** What each dialect's compiler writes for `select "c" from "t" where "c" = <first parameter>`. */
const PROBES: Record<HostKyselyDialect, { sql: string; dialect: string }> = {
  postgres: { sql: 'select "c" from "t" where "c" = $1', dialect: 'PostgresDialect' },
  sqlite: { sql: 'select "c" from "t" where "c" = ?', dialect: 'SqliteDialect' },
}

/**
 * A host's own Kysely instance, checked, as an adapter runs its queries on it: without the
 * host's plugins (a `CamelCasePlugin` would rename the importer's snake_case columns), on the
 * host's dialect, driver, connections and log. Refuses, with a `TypeError` saying what to pass
 * instead, a value that is not a Kysely instance, a transaction (it ends when the host's
 * callback returns, and the storage lives longer) and an instance on another database's
 * dialect. The dialect is recognised by the SQL it compiles, so a dialect of the host's own
 * that writes PostgreSQL or SQLite is taken too. `option` names the option in the messages.
 *
 * @example
 * ```ts
 * const db = toHostKysely(options.kysely, 'postgres', 'kysely')
 * ```
 */
export function toHostKysely(
  value: unknown,
  dialect: HostKyselyDialect,
  option: string,
): Kysely<ImporterDatabase> {
  const kysely = value as Partial<Kysely<ImporterDatabase>> | null
  if (
    typeof kysely?.selectFrom !== 'function' ||
    typeof kysely.withoutPlugins !== 'function' ||
    typeof kysely.transaction !== 'function'
  ) {
    throw new TypeError(`${option} must be a Kysely instance (new Kysely({ dialect }))`)
  }
  if (kysely.isTransaction) {
    throw new TypeError(
      `${option} must be the Kysely instance itself, not a transaction: the storage outlives the transaction's callback`,
    )
  }
  const db = kysely.withoutPlugins()
  const probe = PROBES[dialect]
  let compiled: string
  try {
    compiled = (db as unknown as Kysely<Record<'t', { c: number }>>)
      .selectFrom('t')
      .select('c')
      .where('c', '=', 1)
      .compile().sql
  } catch (error) {
    throw new TypeError(`${option} could not compile a query: is it a Kysely instance?`, {
      cause: error,
    })
  }
  if (compiled !== probe.sql) {
    throw new TypeError(
      `${option} must be a Kysely instance on a ${probe.dialect} (it compiled ${JSON.stringify(compiled)})`,
    )
  }
  return db
}
