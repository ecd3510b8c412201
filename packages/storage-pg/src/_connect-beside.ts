import pg from 'pg'
import { storageFailed } from './_errors.js'

/**
 * A connection of its own with the pool's settings, for work that holds one for long: an
 * import, an export, LISTEN. The pool's session setup runs on it as on the pool's own
 * connections (its `onConnect` hook, then its 'connect' listeners), so a search_path or role
 * set there applies here too. `onError` is attached before connecting: a connection lost later
 * must not become an unhandled 'error' event. Fails with `STORAGE_FAILED`, or
 * `DATABASE_UNAVAILABLE` when the server cannot be reached.
 */
export async function connectBeside(
  pool: pg.Pool,
  onError: (error: Error) => void,
  overrides: Partial<pg.ClientConfig> = {},
): Promise<pg.Client> {
  const Client = (pool.options.Client ?? pg.Client) as typeof pg.Client
  // The pool keeps the password out of its enumerable options.
  const client = new Client({ ...pool.options, password: pool.options.password, ...overrides })
  client.on('error', onError)
  try {
    await client.connect()
    await pool.options.onConnect?.(client)
    pool.emit('connect', client)
  } catch (error) {
    await client.end().catch(() => {})
    throw storageFailed('connect', error)
  }
  return client
}
