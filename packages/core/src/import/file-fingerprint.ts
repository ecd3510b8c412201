import { createHash, type Hash } from 'node:crypto'
import { ImporterError } from '../errors.js'
import type { ImportCheckpoint, ImportFileFingerprint } from '../storage/types.js'

/** The part of a checkpoint a fingerprint is taken at. */
type Place = Pick<ImportCheckpoint, 'offset' | 'headerBytes'>

/** A file's bytes hashed from its start, and how far. */
export interface HashedPrefix {
  /** SHA-256 of the file's first `at` bytes, still open for more. */
  hash: Hash
  at: number
  /** SHA-256 (hex) of the header record's bytes, once `at` passed them. */
  headerSha256?: string
}

/**
 * Fingerprints a file at each checkpoint while the import streams it: the chunks pass through
 * `track` untouched and are hashed only up to the checkpoint asked for, so no byte is read twice.
 * The chunks between the last checkpoint and what the parser has read are held (by reference)
 * until the next one: a batch or two, whatever the file's size.
 */
export function createPrefixHasher(start?: HashedPrefix) {
  const hash = start?.hash ?? createHash('sha256')
  let at = start?.at ?? 0
  let headerSha256 = start?.headerSha256
  const pending: Uint8Array[] = [] // passed through, not hashed yet, in file order

  const advance = (to: number) => {
    while (at < to) {
      const chunk = pending[0]
      // The parser checkpoints only bytes it was given, and each went through `track` first.
      if (!chunk) throw new ImporterError('INTERNAL', `no file bytes to hash up to ${to}`)
      const take = Math.min(chunk.byteLength, to - at)
      if (take === chunk.byteLength) {
        hash.update(chunk)
        pending.shift()
      } else {
        hash.update(chunk.subarray(0, take))
        pending[0] = chunk.subarray(take)
      }
      at += take
    }
  }

  return {
    /** Passes the file's bytes on, from where the hash stands (its start, or a resume's offset). */
    async *track(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunks) {
        if (chunk.byteLength > 0) pending.push(chunk)
        yield chunk
      }
    },
    /** The fingerprint of the file up to `place`; places come in file order. */
    fingerprintAt(place: Place, size: number | null): ImportFileFingerprint {
      if (headerSha256 === undefined) {
        advance(place.headerBytes)
        headerSha256 = hash.copy().digest('hex')
      }
      advance(place.offset)
      return { size, headerSha256, sha256: hash.copy().digest('hex') }
    },
  }
}

/** A {@link createPrefixHasher} tracking an import's file. */
export type PrefixHasher = ReturnType<typeof createPrefixHasher>

/** What reading a file's head up to a checkpoint found. */
export interface ReadPrefix extends HashedPrefix {
  /** The header record's bytes (kept only when asked). */
  header?: Uint8Array
  /** The rest of the last chunk read, past the checkpoint. */
  rest?: Uint8Array
}

/**
 * Reads and hashes the first `place.offset` bytes of a file (or only its header, when `upTo`
 * says so) from `chunks`, leaving the rest of it unread. Memory stays flat: each chunk is
 * hashed and dropped.
 */
export async function readPrefix(
  chunks: AsyncIterator<Uint8Array>,
  place: Place,
  options: { upTo?: number; keepHeader?: boolean } = {},
): Promise<ReadPrefix> {
  const upTo = options.upTo ?? place.offset
  const hash = createHash('sha256')
  const header: Uint8Array[] = []
  let at = 0
  let headerSha256: string | undefined
  let rest: Uint8Array | undefined
  while (at < upTo) {
    const next = await chunks.next()
    if (next.done) break
    const chunk = next.value
    const used = chunk.subarray(0, Math.min(chunk.byteLength, upTo - at))
    if (headerSha256 === undefined && at + used.byteLength >= place.headerBytes) {
      const cut = place.headerBytes - at
      hash.update(used.subarray(0, cut))
      if (options.keepHeader) header.push(used.subarray(0, cut))
      headerSha256 = hash.copy().digest('hex')
      hash.update(used.subarray(cut))
    } else {
      hash.update(used)
      if (options.keepHeader && headerSha256 === undefined) header.push(used)
    }
    at += used.byteLength
    if (used.byteLength < chunk.byteLength) rest = chunk.subarray(used.byteLength)
  }
  return {
    hash,
    at,
    ...(headerSha256 === undefined ? {} : { headerSha256 }),
    ...(options.keepHeader ? { header: Buffer.concat(header) } : {}),
    ...(rest ? { rest } : {}),
  }
}

/**
 * Refuses a resume whose file is not the one `checkpoint` was taken in, saying what differs. A
 * checkpoint without a fingerprint (taken before there were any) is only refused a file that
 * ends before it.
 */
export function assertSameFile(
  checkpoint: ImportCheckpoint,
  found: { size: number | null; prefix: ReadPrefix },
): void {
  const expected = checkpoint.fingerprint
  const { prefix } = found
  const differences: string[] = []
  if (expected?.size != null && found.size !== null && expected.size !== found.size) {
    differences.push(`its size is ${found.size} bytes, not ${expected.size}`)
  }
  if (
    expected &&
    prefix.headerSha256 !== undefined &&
    prefix.headerSha256 !== expected.headerSha256
  ) {
    differences.push('its header differs')
  } else if (differences.length > 0) {
    // Only the header was read: the size already tells.
  } else if (prefix.at < checkpoint.offset) {
    differences.push(
      `it ends after ${prefix.at} bytes, before the ${checkpoint.offset} already imported`,
    )
  } else if (expected && prefix.hash.copy().digest('hex') !== expected.sha256) {
    differences.push(`its first ${checkpoint.offset} bytes (the part already imported) differ`)
  }
  if (differences.length === 0) return
  throw new ImporterError(
    'RESUME_FILE_MISMATCH',
    `this is not the file the import read: ${differences.join('; ')}. Resume with the original file, or start a new import of this one`,
    { details: { offset: checkpoint.offset, differences } },
  )
}
