import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { createGunzip } from 'node:zlib'
import { ImporterError, type ImportSource } from '@product-importer/core'
import { DEFAULT_MAX_UPLOAD_BYTES } from '@product-importer/http'

/** The flag that bounds what a compressed file may decompress to, for `import` and `inspect`. */
export const inputFlags = { 'max-decoded-bytes': { type: 'string' } } as const

/** The accepted range of {@link inputFlags}: 1 KiB to 1 TiB. */
export const INPUT_INTEGERS = { 'max-decoded-bytes': { min: 1024, max: 2 ** 40 } }

/** Usage text of {@link inputFlags}. */
export const INPUT_USAGE = `[--max-decoded-bytes ${DEFAULT_MAX_UPLOAD_BYTES}]`

// Every gzip member starts with these two bytes (RFC 1952).
const GZIP_MAGIC = [0x1f, 0x8b]
// A gzip file's last 4 bytes: the size of its last member's data, modulo 2^32.
const TRAILER_BYTES = 4
const SMALLEST_GZIP = 18

/**
 * The file as the importer reads it: its path when it is plain, or, when its first bytes say it
 * is gzip-compressed (`feed.csv.gz`, whatever its name), its decompressed bytes, streamed.
 * What it decompresses to is bounded by `maxDecodedBytes`, the server's upload limit by
 * default, so a small file that expands without end (a gzip bomb) is refused with a clear
 * error: at once when its gzip trailer already says more (that size can only be smaller than
 * the real one), else as soon as the limit is passed while reading.
 */
export async function openInputFile(
  path: string,
  maxDecodedBytes: number = DEFAULT_MAX_UPLOAD_BYTES,
): Promise<ImportSource> {
  const declared = await gzipTrailer(path)
  if (declared === undefined) return path
  if (declared > maxDecodedBytes) throw tooLarge(path, maxDecodedBytes)
  return decompressed(path, maxDecodedBytes)
}

/**
 * The decompressed size a gzip file's trailer gives, or undefined when the file is not gzip.
 * A file that cannot be read is left to the importer, which says so in its own words.
 */
async function gzipTrailer(path: string): Promise<number | undefined> {
  const file = await open(path, 'r').catch(() => undefined)
  if (!file) return undefined
  try {
    const { size } = await file.stat()
    if (size < GZIP_MAGIC.length) return undefined
    const head = Buffer.alloc(GZIP_MAGIC.length)
    await file.read(head, 0, head.length, 0)
    if (!GZIP_MAGIC.every((byte, i) => head[i] === byte)) return undefined
    if (size < SMALLEST_GZIP) return 0
    const trailer = Buffer.alloc(TRAILER_BYTES)
    await file.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES)
    return trailer.readUInt32LE(0)
  } finally {
    await file.close()
  }
}

async function* decompressed(path: string, maxBytes: number): AsyncGenerator<Uint8Array> {
  const raw = createReadStream(path)
  const gunzip = createGunzip()
  raw.on('error', (error) => gunzip.destroy(error))
  raw.pipe(gunzip)
  let bytes = 0
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      bytes += chunk.byteLength
      if (bytes > maxBytes) throw tooLarge(path, maxBytes)
      yield chunk
    }
  } catch (error) {
    if (error instanceof ImporterError) throw error
    throw new ImporterError(
      'SOURCE_FAILED',
      `${basename(path)} is gzip-compressed but cannot be decompressed (${(error as Error).message}) after ${bytes} bytes`,
      { cause: error },
    )
  } finally {
    // Stopped early (inspect reads only the head, a refusal): close the file.
    raw.destroy()
    gunzip.destroy()
  }
}

function tooLarge(path: string, maxBytes: number): ImporterError {
  return new ImporterError(
    'SOURCE_FAILED',
    `${basename(path)} decompresses to more than ${maxBytes} bytes, the most a compressed file may expand to; if it is a real export, raise the limit with --max-decoded-bytes`,
  )
}
