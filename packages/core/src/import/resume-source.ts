import { createReadStream } from 'node:fs'
import { ImporterError } from '../errors.js'
import type { ImportCheckpoint } from '../storage/types.js'
import { type ByteSource, openSource } from './source.js'
import type { ImportSource } from './types.js'

/**
 * Opens a source to resume an import at `checkpoint`: its header record, then the file from the
 * checkpoint on. The header goes through the parser again so that it detects the same delimiter,
 * columns and platform; a file on disk is read from the offset without touching the bytes
 * before it, any other source has them read and dropped unparsed.
 */
export async function openResumedSource(
  source: ImportSource,
  checkpoint: ImportCheckpoint,
  bytesTotal?: number,
): Promise<ByteSource> {
  const opened = await openSource(source, bytesTotal)
  if (opened.bytesTotal !== null && opened.bytesTotal < checkpoint.offset) {
    throw new ImporterError(
      'NOT_RESUMABLE',
      `the file has ${opened.bytesTotal} bytes, fewer than the ${checkpoint.offset} already imported; is it the same file?`,
    )
  }
  if (typeof source === 'string' || source instanceof URL) {
    return {
      chunks: fromFile(source, checkpoint),
      bytesTotal: opened.bytesTotal,
    }
  }
  return { chunks: skipBytes(opened.chunks, checkpoint), bytesTotal: opened.bytesTotal }
}

async function* fromFile(path: string | URL, { offset, headerBytes }: ImportCheckpoint) {
  // `end` is inclusive in createReadStream.
  if (headerBytes > 0) yield* createReadStream(path, { start: 0, end: headerBytes - 1 })
  yield* createReadStream(path, { start: offset, highWaterMark: 256 * 1024 })
}

async function* skipBytes(
  chunks: AsyncIterable<Uint8Array>,
  { offset, headerBytes }: ImportCheckpoint,
): AsyncGenerator<Uint8Array> {
  let at = 0
  for await (const chunk of chunks) {
    const start = at
    at += chunk.byteLength
    // Keep [0, headerBytes) and [offset, end): the parts of this chunk inside them.
    if (start < headerBytes)
      yield chunk.subarray(0, Math.min(chunk.byteLength, headerBytes - start))
    if (at > offset) yield chunk.subarray(Math.max(0, offset - start))
  }
}
