import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ImporterError, isImporterError } from '../errors.js'
import type { ImportSource } from './types.js'

/** Chunk size for files read from disk. */
const FILE_CHUNK = 256 * 1024

/** An import source as byte chunks, with its size when known. */
export interface ByteSource {
  chunks: AsyncIterable<Uint8Array>
  /** The size for progress: the caller's, else the file's. */
  bytesTotal: number | null
  /** The size measured on disk, never one a caller declared (an upload's may count more). */
  size: number | null
}

/** Sizes of files read through a stream of their own bytes (a peeked header's replay). */
const fileSizes = new WeakMap<object, number>()

/** Marks `chunks` as every byte of a file of `size` bytes, so an import can fingerprint it. */
export function withFileSize<T extends object>(chunks: T, size: number | null): T {
  if (size !== null) fileSizes.set(chunks, size)
  return chunks
}

async function* encodeStrings(source: AsyncIterable<Uint8Array | string>) {
  for await (const chunk of source) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
  }
}

function wrapFailures(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* source
      } catch (error) {
        // An importer error already says what failed (a source opened here before and read
        // again, as a remembered mapping's header peek does; an upload's limit): keep it as is.
        if (isImporterError(error)) throw error
        throw new ImporterError(
          'SOURCE_FAILED',
          `reading the input failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        )
      }
    },
  }
}

/** Opens any {@link ImportSource} as byte chunks. A missing file fails here, before any work. */
export async function openSource(source: ImportSource, bytesTotal?: number): Promise<ByteSource> {
  if (typeof source === 'string' || source instanceof URL) {
    const path = source instanceof URL ? fileURLToPath(source) : source
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new ImporterError(
        'SOURCE_FAILED',
        `cannot read ${path}: ${error.code ?? error.message}`,
        {
          cause: error,
        },
      )
    })
    if (!info.isFile()) throw new ImporterError('SOURCE_FAILED', `${path} is not a file`)
    return {
      chunks: wrapFailures(createReadStream(path, { highWaterMark: FILE_CHUNK })),
      bytesTotal: bytesTotal ?? info.size,
      size: info.size,
    }
  }
  if (Symbol.asyncIterator in source) {
    return {
      chunks: wrapFailures(encodeStrings(source as AsyncIterable<Uint8Array | string>)),
      bytesTotal: bytesTotal ?? null,
      size: fileSizes.get(source) ?? null,
    }
  }
  throw new ImporterError(
    'SOURCE_FAILED',
    'unsupported import source: pass a file path, a stream or an async iterable',
  )
}

/**
 * Ends reading when `signal` aborts, even while a read waits on a source that has gone quiet
 * (a stalled upload): the pending read rejects and the source is closed.
 */
export function abortable(
  source: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncIterable<Uint8Array> {
  if (!signal) return source
  return {
    async *[Symbol.asyncIterator]() {
      const iterator = source[Symbol.asyncIterator]()
      try {
        for (;;) {
          const next = await nextUnlessAborted(iterator, signal)
          if (next.done) return
          yield next.value
        }
      } finally {
        void iterator.return?.()?.catch(() => {})
      }
    },
  }
}

/**
 * One read that rejects as soon as `signal` aborts. A listener a read, removed when it settles:
 * racing every read against one long-lived promise instead would keep every chunk ever read
 * reachable from that promise (hundreds of MB for a large upload).
 */
function nextUnlessAborted<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T>> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new ImporterError('CANCELLED', 'the import was cancelled'))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort)
        resolve(result)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
