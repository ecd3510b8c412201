import type { ColumnDataType, Expression, Kysely, Migration, SqlBool } from 'kysely'

/**
 * What makes one SQL database differ from another for the shared schema and queries. An adapter
 * declares its flavor; everything else is one query for all databases, so a new adapter is an
 * addition, never an edit of core.
 */
export interface SqlFlavor {
  /** Short name of the database, reported as `ImporterStorage.dialect` (e.g. `sqlite`). */
  name: string
  /** The database's name in error messages (e.g. `SQLite`). */
  label: string
  /**
   * The schema the migration bookkeeping tables live in, named in every statement about them so
   * that a table of the same name elsewhere on the search path is never taken for them.
   * @default none: wherever the connection creates tables
   */
  migrationSchema?: string
  /** A Date as the driver binds it. */
  time(date: Date): number | Date
  /** A boolean as the driver binds it. */
  bool(value: boolean): number | boolean
  /** The case-insensitive LIKE operator. */
  ilike: 'like' | 'ilike'
  /**
   * Whether `SELECT ... FOR UPDATE SKIP LOCKED` exists, so that dispatchers claiming deliveries
   * at once pass over each other's rows instead of waiting for them. @default false
   */
  skipLocked?: boolean
  /**
   * A statement that keeps other transactions from writing `table` until this one ends, for a
   * check and a change that must be one (PostgreSQL: `lock table ... in share row exclusive
   * mode`). @default none: the database runs one writer at a time (SQLite)
   */
  lockTable?(table: string): string
  /**
   * `column` as an ORDER BY term no index can serve. A filter that matches few rows is then
   * answered by reading the table and sorting its matches, where the planner would walk the
   * ordering index and look up nearly every row (SQLite: `+column`).
   * @default the column (the planner decides, as PostgreSQL's does from its statistics)
   */
  unindexed?(column: string): Expression<unknown>
  /** Column types of the shared schema. */
  types: {
    /** A point in time. */
    time: ColumnDataType
    /** A boolean. */
    bool: ColumnDataType
    /** A 64-bit integer. */
    bigint: ColumnDataType
    /** An integer primary key the database numbers itself. */
    serial: ColumnDataType
    /** Whether `serial` needs Kysely's `autoIncrement()`. */
    autoIncrement: boolean
    /** A JSON document (lists of a product): `jsonb` where the database has it, else text. */
    json: ColumnDataType
  }
  /** Whether the JSON list in `column` has the text `item` (an index may serve it). */
  listHas(column: string, item: string): Expression<SqlBool>
  /** Whether the text in `column` starts with `prefix`, letter case as it is. */
  startsWith(column: string, prefix: string): Expression<SqlBool>
  /**
   * Migrations of this database only, run after the shared ones in name order; names start with
   * the flavor's name (`postgres_0001_...`). `executed` names the migrations the database has
   * run: an optional migration (one an option turns on) MUST stay listed once run, as a no-op if
   * the option is off now, or the migrator refuses the database.
   */
  migrations?(
    // biome-ignore lint/suspicious/noExplicitAny: migrations take a database of any schema
    db: Kysely<any>,
    executed: ReadonlySet<string>,
  ): Promise<Record<string, Migration>>
}
