// A read-only connection on a thread of its own: counts one slice of a filtered scan for the
// product count (see _count-products.ts). Messages: `{ id, sql, parameters }` in,
// `{ id, n }` or `{ id, error }` out.
import { parentPort, workerData } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'

interface Request {
  id: number
  sql: string
  parameters: unknown[]
}

const database = new BetterSqlite3(workerData as string, { readonly: true, fileMustExist: true })
database.pragma('busy_timeout = 5000')
const statements = new Map<string, BetterSqlite3.Statement>()

parentPort!.on('message', ({ id, sql, parameters }: Request) => {
  try {
    let statement = statements.get(sql)
    if (!statement) {
      statement = database.prepare(sql).pluck()
      // A handful of filter shapes; the cache stays small.
      if (statements.size < 64) statements.set(sql, statement)
    }
    parentPort!.postMessage({ id, n: Number(statement.get(...parameters)) })
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message })
  }
})
