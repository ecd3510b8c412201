/**
 * The few ways the SQL databases differ for the shared queries. Everything else is one query
 * for all of them.
 */
export interface SqlFlavor {
  name: 'sqlite' | 'postgres'
  /** A Date as the driver binds it. */
  time(date: Date): number | Date
  /** A boolean as the driver binds it. */
  bool(value: boolean): number | boolean
  /** The case-insensitive LIKE operator. */
  ilike: 'like' | 'ilike'
}

export const sqliteFlavor: SqlFlavor = {
  name: 'sqlite',
  time: (date) => date.getTime(),
  bool: (value) => (value ? 1 : 0),
  ilike: 'like',
}

export const postgresFlavor: SqlFlavor = {
  name: 'postgres',
  time: (date) => date,
  bool: (value) => value,
  ilike: 'ilike',
}
