// Entry of the parse worker: runs createProductParser on the chunks the main thread sends and
// posts batches back. Credits keep both sides bounded: the worker acknowledges a chunk only
// while at most MAX_UNACKED outputs wait on the main thread.
import { parentPort, workerData } from 'node:worker_threads'
import { isImporterError } from '../errors.js'
import { createProductParser, type ParserOptions } from './parse.js'
import type { FromWorker, ToWorker, WireOutput } from './parse-protocol.js'
import { toColumns } from './row-columns.js'

const MAX_UNACKED = 4
const port = parentPort!
const post = (message: FromWorker) => port.postMessage(message)

let pending: WireOutput[] = []
let unacked = 0
let deferredAcks = 0
const parser = createProductParser(workerData as ParserOptions, (out) => {
  if (out.type !== 'batch') pending.push(out)
  else {
    const { rows, ...rest } = out
    pending.push({ ...rest, columns: toColumns(rows) })
  }
})

function sendPending() {
  if (pending.length === 0) return
  post({ type: 'out', items: pending })
  pending = []
  unacked++
}

function fail(error: unknown) {
  const e = error as Error & { code?: string; details?: unknown }
  post({
    type: 'fatal',
    error: {
      importer: isImporterError(error),
      code: e.code ?? 'MALFORMED_CSV',
      message: e.message,
      details: e.details,
    },
  })
  port.close()
}

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'chunk') {
      parser.push(message.data)
      sendPending()
      if (unacked <= MAX_UNACKED) post({ type: 'chunk-ack' })
      else deferredAcks++
    } else if (message.type === 'end') {
      parser.end()
      sendPending()
      post({ type: 'end' })
      port.close()
    } else if (message.type === 'ack') {
      unacked--
      while (deferredAcks > 0 && unacked <= MAX_UNACKED) {
        deferredAcks--
        post({ type: 'chunk-ack' })
      }
    }
  } catch (error) {
    fail(error)
  }
})
