import { Worker } from 'node:worker_threads'
import { ImporterError, type ImporterErrorCode } from '../errors.js'
import { parseWorkerFile } from './_worker-file.js'
import { createProductParser, type ParseOutput, type ParserOptions } from './parse.js'
import type { FromWorker, ToWorker, WireOutput } from './parse-protocol.js'
import { fromColumns } from './row-columns.js'

/**
 * The worker's heap. Batches are bounded in characters (MAX_BATCH_CHARS), so a small heap
 * suffices; without limits V8 sizes it for the machine and grows it lazily, costing 60 MB of
 * RSS per import for nothing.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 }

/**
 * Bytes sent to the worker and not yet acknowledged, at most, and chunks. Counted in bytes so
 * that the worker has as much work queued with a socket's 64 KB chunks as with a file's 256 KB
 * ones: it keeps parsing while the main thread is busy in a synchronous batch write.
 */
const MAX_INFLIGHT_BYTES = 2 * 1024 * 1024
const MAX_INFLIGHT_CHUNKS = 64

/** Parses byte chunks into rows on this thread. */
async function* parseInline(
  chunks: AsyncIterable<Uint8Array>,
  options: ParserOptions,
): AsyncGenerator<ParseOutput> {
  const outputs: ParseOutput[] = []
  const parser = createProductParser(options, (out) => outputs.push(out))
  for await (const chunk of chunks) {
    parser.push(chunk)
    yield* outputs.splice(0)
  }
  parser.end()
  yield* outputs
}

/** The parser's worker thread crashed: not the file's fault, nor the database's. */
function parserFailed(reason: string, cause?: unknown): ImporterError {
  return new ImporterError('PARSER_FAILED', `the CSV parser failed: ${reason}`, { cause })
}

function toError(error: Extract<FromWorker, { type: 'fatal' }>['error']): Error {
  if (!error.importer) return parserFailed(error.message)
  return new ImporterError(error.code as ImporterErrorCode, error.message, {
    details: error.details,
  })
}

/**
 * Parses byte chunks into rows on a worker thread, so parsing runs while the main thread
 * writes the previous batch. Memory stays bounded: the worker takes a chunk only when fewer
 * than a few outputs wait here.
 */
async function* parseInWorker(
  chunks: AsyncIterable<Uint8Array>,
  options: ParserOptions,
): AsyncGenerator<ParseOutput> {
  const worker = new Worker(parseWorkerFile(), {
    workerData: options,
    resourceLimits: WORKER_HEAP,
  })
  const send = (message: ToWorker, transfer?: ArrayBuffer[]) =>
    worker.postMessage(message, transfer)
  const received: WireOutput[][] = []
  let ended = false
  let failure: unknown
  let stopped = false
  const inflight: number[] = [] // sizes of the chunks the worker has not acknowledged, in order
  let inflightBytes = 0
  let wakeConsumer: (() => void) | undefined
  let wakePump: (() => void) | undefined
  const notify = () => {
    wakeConsumer?.()
    wakeConsumer = undefined
  }
  const fail = (error: unknown) => {
    failure ??= error
    notify()
  }

  worker.on('message', (message: FromWorker) => {
    if (message.type === 'out') received.push(message.items)
    else if (message.type === 'chunk-ack') {
      inflightBytes -= inflight.shift() ?? 0
      wakePump?.()
      return
    } else if (message.type === 'end') ended = true
    else failure ??= toError(message.error)
    notify()
  })
  worker.on('error', (error) => fail(parserFailed(error.message, error)))
  worker.on('exit', () => {
    if (!ended) fail(parserFailed('it stopped unexpectedly'))
  })

  const pump = async () => {
    for await (const chunk of chunks) {
      while (
        (inflightBytes >= MAX_INFLIGHT_BYTES || inflight.length >= MAX_INFLIGHT_CHUNKS) &&
        !stopped
      ) {
        await new Promise<void>((resolve) => (wakePump = resolve))
      }
      if (stopped) return
      inflight.push(chunk.byteLength)
      inflightBytes += chunk.byteLength
      const copy = new Uint8Array(chunk) // a buffer of its own, so it can be transferred
      send({ type: 'chunk', data: copy }, [copy.buffer])
    }
    if (!stopped) send({ type: 'end' })
  }
  pump().catch(fail)

  try {
    for (;;) {
      const items = received.shift()
      if (items) {
        send({ type: 'ack' })
        for (const item of items) {
          if (item.type !== 'batch') yield item
          else {
            const { columns, ...rest } = item
            yield { ...rest, rows: fromColumns(columns) }
          }
        }
        continue
      }
      if (failure !== undefined) throw failure
      if (ended) return
      await new Promise<void>((resolve) => (wakeConsumer = resolve))
    }
  } finally {
    stopped = true
    wakePump?.()
    ended = true
    await worker.terminate()
  }
}

/** Parses byte chunks into validated rows, on a worker thread unless `worker` is false. */
export function parseProducts(
  chunks: AsyncIterable<Uint8Array>,
  options: ParserOptions,
  worker: boolean,
): AsyncGenerator<ParseOutput> {
  return worker ? parseInWorker(chunks, options) : parseInline(chunks, options)
}
