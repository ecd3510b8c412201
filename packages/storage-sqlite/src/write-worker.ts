// The import writer on a thread of its own (see _writer-thread.ts), with its own connection to
// the database file. Messages: `{ type: 'write', batch }` and `{ type: 'close' }` in; `ready`
// once the writer is open, then `{ type: 'done', result }` or `{ type: 'failed', error }` for
// each request.
import { parentPort, workerData } from 'node:worker_threads'
import { isImporterError } from '@product-importer/core'
import BetterSqlite3 from 'better-sqlite3'
import { readPackedBatch } from './_batch.js'
import { type BatchWriter, createImportWriter } from './_import-writer.js'
import type { WriterThreadData, WriterThreadReply, WriterThreadRequest } from './_writer-thread.js'

const port = parentPort!
const { filename, dryRun, synchronous, busyTimeout, walAutocheckpoint } =
  workerData as WriterThreadData

function failed(error: unknown): WriterThreadReply {
  const e = error as Error & { code?: unknown; details?: unknown }
  return {
    type: 'failed',
    error: {
      importer: isImporterError(error),
      code: typeof e.code === 'string' ? e.code : undefined,
      message: e.message,
      details: e.details,
    },
  }
}

let database: BetterSqlite3.Database | undefined
let writer: BatchWriter | undefined
try {
  database = new BetterSqlite3(filename, { fileMustExist: true })
  // The settings of the application's connection, which are per connection in SQLite.
  database.pragma('foreign_keys = ON')
  database.pragma(`synchronous = ${synchronous}`)
  database.pragma(`busy_timeout = ${busyTimeout}`)
  // Beside a checkpoint thread, this connection's own checkpoints are only a backstop.
  if (walAutocheckpoint !== undefined) database.pragma(`wal_autocheckpoint = ${walAutocheckpoint}`)
  writer = createImportWriter(database, dryRun)
  port.postMessage({ type: 'ready' } satisfies WriterThreadReply)
} catch (error) {
  database?.close()
  port.postMessage(failed(error))
}

port.on('message', (request: WriterThreadRequest) => {
  let reply: WriterThreadReply
  try {
    if (request.type === 'write') {
      reply = { type: 'done', result: writer!.write(readPackedBatch(request.batch)) }
    } else {
      writer?.close()
      database?.close()
      reply = { type: 'closed' }
    }
  } catch (error) {
    reply = failed(error)
  }
  port.postMessage(reply)
})
