import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ImporterError } from '../errors.js'
import type { ImportCheckpoint } from '../storage/types.js'
import {
  assertSameFile,
  createPrefixHasher,
  type PrefixHasher,
  type ReadPrefix,
  readPrefix,
} from './file-fingerprint.js'
import { type ByteSource, openSource } from './source.js'
import type { ImportSource } from './types.js'

/** A resumed source, and the hasher that fingerprints its later checkpoints. */
export interface ResumedSource extends ByteSource {
  hasher: PrefixHasher
}

const isPath = (source: ImportSource): source is string | URL =>
  typeof source === 'string' || source instanceof URL

/**
 * Opens a source to resume an import at `checkpoint`: its header record, then the file from the
 * checkpoint on. The header goes through the parser again so that it detects the same delimiter,
 * columns and platform. First the bytes before the checkpoint are hashed (streaming) and
 * compared with the checkpoint's fingerprint, so that another file is refused with
 * `RESUME_FILE_MISMATCH` before anything is written; a file on disk is then read on from the
 * offset, any other source from where the hashing stopped.
 */
export async function openResumedSource(
  source: ImportSource,
  checkpoint: ImportCheckpoint,
  bytesTotal?: number,
): Promise<ResumedSource> {
  const opened = await openSource(source, bytesTotal)
  const resumed = (prefix: ReadPrefix, chunks: AsyncIterable<Uint8Array>): ResumedSource => {
    const hasher = createPrefixHasher(prefix)
    return {
      chunks: withHeader(prefix.header, hasher.track(chunks)),
      bytesTotal: opened.bytesTotal,
      size: opened.size ?? checkpoint.fingerprint?.size ?? null,
      hasher,
    }
  }
  if (isPath(source)) {
    const prefix = await checkResumedFile(source, checkpoint, opened.size, true)
    return resumed(
      prefix,
      createReadStream(source, { start: checkpoint.offset, highWaterMark: FILE_CHUNK }),
    )
  }
  const iterator = opened.chunks[Symbol.asyncIterator]()
  try {
    const prefix = await readPrefix(iterator, checkpoint, { keepHeader: true })
    assertSameFile(checkpoint, { size: opened.size, prefix })
    return resumed(prefix, rest(prefix.rest, iterator))
  } catch (error) {
    await iterator.return?.()
    throw error
  }
}

/** Chunk size for files read from disk. */
const FILE_CHUNK = 256 * 1024

/**
 * Refuses a file on disk that is not the one `checkpoint` was taken in, before a job is touched:
 * hashes its bytes before the checkpoint (only its header when its size already differs).
 * Returns the hash, to go on with.
 */
export async function checkResumedFile(
  path: string | URL,
  checkpoint: ImportCheckpoint,
  measured?: number | null,
  keepHeader = false,
): Promise<ReadPrefix> {
  const size =
    measured ??
    (await stat(path).then(
      (info) => info.size,
      (error: NodeJS.ErrnoException) => {
        throw new ImporterError(
          'SOURCE_FAILED',
          `cannot read ${path instanceof URL ? fileURLToPath(path) : path}: ${error.code ?? error.message}`,
          { cause: error },
        )
      },
    ))
  const expected = checkpoint.fingerprint?.size
  const upTo = expected != null && expected !== size ? checkpoint.headerBytes : checkpoint.offset
  const head = createReadStream(path, {
    start: 0,
    end: Math.max(0, upTo - 1), // inclusive
    highWaterMark: FILE_CHUNK,
  })[Symbol.asyncIterator]()
  try {
    const prefix = await readPrefix(head, checkpoint, { upTo, keepHeader })
    assertSameFile(checkpoint, { size, prefix })
    return prefix
  } finally {
    await head.return?.()
  }
}

async function* withHeader(header: Uint8Array | undefined, chunks: AsyncIterable<Uint8Array>) {
  if (header && header.byteLength > 0) yield header
  yield* chunks
}

async function* rest(first: Uint8Array | undefined, iterator: AsyncIterator<Uint8Array>) {
  if (first) yield first
  for (;;) {
    const next = await iterator.next()
    if (next.done) return
    yield next.value
  }
}
