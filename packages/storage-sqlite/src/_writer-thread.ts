import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import {
  type BatchResult,
  ImporterError,
  type ImporterErrorCode,
  type ImportWriter,
} from '@product-importer/core'
import type BetterSqlite3 from 'better-sqlite3'
import { type PackedBatch, packBatch } from './_batch.js'
import { mainFile } from './_connection.js'
import { workerFile } from './_worker-file.js'

/** What the writer thread is started with. */
export interface WriterThreadData {
  filename: string
  dryRun: boolean
  synchronous: number
  busyTimeout: number
  /** The writer connection's `wal_autocheckpoint`, when a checkpoint thread runs beside it. */
  walAutocheckpoint?: number
}

/** What the checkpoint thread is started with. */
export interface CheckpointThreadData {
  filename: string
  everyMs: number
}

export type WriterThreadRequest = { type: 'write'; batch: PackedBatch } | { type: 'close' }

export type WriterThreadReply =
  | { type: 'ready' }
  | { type: 'done'; result: BatchResult }
  | { type: 'closed' }
  | {
      type: 'failed'
      error: { importer: boolean; code?: string; message: string; details?: unknown }
    }

/**
 * The writer thread's heap: it holds one batch at a time, and SQLite's page cache lives outside
 * the heap.
 */
const THREAD_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 32 }

/**
 * Rows per batch beside the thread. The calling thread parses the next batch while this one is
 * written; at 10,000 rows, more of each batch lives through the collections of its parse, and a
 * first import of 500k rows took 6% longer (7 of 8 alternating rounds).
 */
const THREAD_BATCH_SIZE = 5_000

/**
 * A real run's WAL is checkpointed on a thread of its own this often. SQLite checkpoints
 * automatically on the connection that commits once the WAL passes 1,000 pages, which put the
 * copying of every page into the database file on the writer thread: about 1 s of its 5 at
 * 500k rows. With passive checkpoints beside it, 10 a second, a first import of 500k rows took
 * 8 to 12% less time (7 of 8 alternating rounds, over two runs).
 */
const CHECKPOINT_EVERY_MS = 100

/**
 * The writer's own automatic checkpoint beside the checkpoint thread, in pages. The WAL starts
 * over from its beginning only when a transaction begins with every frame copied, which a
 * checkpoint racing the writer rarely leaves; the writer's own checkpoint then copies what is
 * left (little), so the WAL stays under about 40 MB, and under that should the thread stop.
 * At 4,096 pages the writer checkpointed so often that the thread saved little.
 */
const BACKSTOP_CHECKPOINT_PAGES = 10_000

/** How long the checkpoint thread's last checkpoint may take before the thread is ended. */
const STOP_TIMEOUT_MS = 5_000

/** The checkpoint thread's heap: it holds a statement and a timer. */
const CHECKPOINT_HEAP = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 }

/** Waits for a writer thread to stop busy-waiting on a lock before giving up on it. */
const MIN_BUSY_TIMEOUT_MS = 5000

/**
 * Whether the import writer can run on a thread beside `database`: another connection must be
 * able to write the same file while this one reads (a file in WAL mode, not locked to this
 * connection).
 */
export function canWriteOnThread(database: BetterSqlite3.Database): boolean {
  return (
    !database.memory &&
    !database.readonly &&
    database.pragma('journal_mode', { simple: true }) === 'wal' &&
    database.pragma('locking_mode', { simple: true }) !== 'exclusive'
  )
}

/**
 * An import writer on a thread of its own, with a connection of its own to the same file: each
 * batch's transaction (about 100 ms for 10,000 rows) runs there, so the application's event loop
 * stays free to answer requests during an import. The writer's work and its semantics are those
 * of the in-thread writer (_import-writer.ts), which the thread runs.
 *
 * Rejects when the thread cannot open the writer (the caller then writes on its connection).
 */
export async function openWriterThread(
  database: BetterSqlite3.Database,
  dryRun: boolean,
): Promise<ImportWriter> {
  const filename = mainFile(database)
  // A dry run writes temporary tables only: the WAL does not grow.
  const checkpoints = dryRun ? undefined : startCheckpoints(filename)
  const data: WriterThreadData = {
    filename,
    dryRun,
    synchronous: Number(database.pragma('synchronous', { simple: true })),
    busyTimeout: Math.max(
      MIN_BUSY_TIMEOUT_MS,
      Number(database.pragma('busy_timeout', { simple: true })),
    ),
    ...(checkpoints ? { walAutocheckpoint: BACKSTOP_CHECKPOINT_PAGES } : {}),
  }
  const worker = new Worker(workerFile('write-worker'), {
    workerData: data,
    resourceLimits: THREAD_HEAP,
  })
  let waiting: { resolve(reply: WriterThreadReply): void; reject(error: Error): void } | undefined
  let stopped: Error | undefined
  const settle = (settle: (w: NonNullable<typeof waiting>) => void) => {
    const current = waiting
    waiting = undefined
    // An idle thread never keeps the process alive; a request in flight does.
    worker.unref()
    if (current) settle(current)
  }
  worker.on('message', (reply: WriterThreadReply) => settle((w) => w.resolve(reply)))
  worker.on('error', (error) => {
    stopped = threadStopped(error.message, error)
    settle((w) => w.reject(stopped!))
  })
  worker.on('exit', (code) => {
    stopped ??= threadStopped(`it exited with code ${code}`)
    settle((w) => w.reject(stopped!))
  })
  const ask = (request?: WriterThreadRequest) =>
    new Promise<WriterThreadReply>((resolve, reject) => {
      if (stopped) return reject(stopped)
      waiting = { resolve, reject }
      worker.ref()
      if (request) worker.postMessage(request)
    })
  // One request at a time, in call order: a close asked while a batch is written waits for it.
  let queue: Promise<unknown> = Promise.resolve()
  const answer = (request?: WriterThreadRequest) => {
    const reply = queue.then(async () => {
      const reply = await ask(request)
      if (reply.type === 'failed') throw toError(reply.error)
      return reply
    })
    queue = reply.catch(() => {})
    return reply
  }

  try {
    await answer() // `ready`
  } catch (error) {
    await Promise.all([worker.terminate(), checkpoints?.stop()])
    throw error
  }
  let closing: Promise<void> | undefined
  return {
    threaded: true,
    batchSize: THREAD_BATCH_SIZE,
    async write(rows) {
      if (closing) throw new ImporterError('STORAGE_FAILED', 'the import writer is closed')
      const reply = await answer({ type: 'write', batch: packBatch(rows) })
      return (reply as Extract<WriterThreadReply, { type: 'done' }>).result
    },
    close() {
      closing ??= (async () => {
        try {
          if (!stopped) await answer({ type: 'close' })
        } finally {
          await Promise.all([worker.terminate(), checkpoints?.stop()])
        }
      })()
      return closing
    },
  }
}

/**
 * Starts the checkpoint thread of an import. It needs nothing from the import: should it fail
 * to open or stop early, the writer's own automatic checkpoints (see
 * {@link BACKSTOP_CHECKPOINT_PAGES}) do its work.
 */
function startCheckpoints(filename: string): { stop(): Promise<void> } {
  const worker = new Worker(workerFile('checkpoint-worker'), {
    workerData: { filename, everyMs: CHECKPOINT_EVERY_MS } satisfies CheckpointThreadData,
    resourceLimits: CHECKPOINT_HEAP,
  })
  // Never keeps the process alive, and an error of its own is only the end of its help.
  worker.unref()
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => resolve())
    worker.once('error', () => {})
  })
  let stopping: Promise<void> | undefined
  return {
    stop() {
      // A last checkpoint, then it closes its connection and exits (or is ended after a while).
      stopping ??= (async () => {
        worker.postMessage('stop')
        const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS)
        await Promise.race([once(worker, 'message').catch(() => {}), exited])
        clearTimeout(timeout)
        await worker.terminate()
      })()
      return stopping
    },
  }
}

function threadStopped(reason: string, cause?: unknown): ImporterError {
  return new ImporterError('STORAGE_FAILED', `the SQLite import writer thread stopped: ${reason}`, {
    cause,
  })
}

/** An error of the thread as the in-thread writer would have thrown it. */
function toError(error: Extract<WriterThreadReply, { type: 'failed' }>['error']): Error {
  if (error.importer) {
    return new ImporterError(error.code as ImporterErrorCode, error.message, {
      details: error.details,
    })
  }
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {})
}
