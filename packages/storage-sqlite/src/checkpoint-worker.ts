// Checkpoints the WAL of a file an import writes, on a thread of its own (see _writer-thread.ts):
// a passive checkpoint every `everyMs`, which never waits for the writer. Any message stops it
// after a last checkpoint; it then answers and closes its connection.
import { parentPort, workerData } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import type { CheckpointThreadData } from './_writer-thread.js'

const { filename, everyMs } = workerData as CheckpointThreadData
const database = new BetterSqlite3(filename, { fileMustExist: true })
const statement = database.prepare('PRAGMA wal_checkpoint(PASSIVE)')
const checkpoint = () => {
  try {
    statement.run()
  } catch {
    // Another checkpoint is running (the writer's own, as a backstop): the next one catches up.
  }
}
const timer = setInterval(checkpoint, everyMs)
parentPort!.once('message', () => {
  clearInterval(timer)
  checkpoint()
  database.close()
  parentPort!.postMessage('stopped')
})
