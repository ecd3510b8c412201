import { headerSignature } from './header-signature.js'
import { type InspectOptions, inspectProducts } from './inspect.js'
import { openSource, withFileSize } from './source.js'
import type { ImportSource } from './types.js'

/** What {@link peekHeader} read, and the whole source to import from. */
export interface PeekedHeader {
  /** The header names, or null when the head held no readable header. */
  headers: string[] | null
  /** {@link headerSignature} of `headers`, or null. */
  signature: string | null
  /** Every byte of the source: the head already read, then the rest as it comes. */
  source: AsyncIterable<Uint8Array>
  /** The source's size when known (a file's). */
  bytesTotal: number | null
}

/** Bytes read at most to find the header: a header line longer than this is no header. */
const PEEK_BYTES = 1024 * 1024

/**
 * Reads the header row from the head of a source (at most 1 MiB) without losing a byte: the
 * chunks read are put back in front of the rest. A head with no readable header gives null,
 * and the import that follows reports why.
 */
export async function peekHeader(
  input: ImportSource,
  options: Pick<InspectOptions, 'encoding' | 'delimiter' | 'signal'> = {},
): Promise<PeekedHeader> {
  const opened = await openSource(input)
  const iterator = opened.chunks[Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  let ended = false
  // Inspection closes what it reads: this view records the chunks and leaves the source open.
  const recording: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        const next = await iterator.next()
        if (next.done) ended = true
        else head.push(next.value)
        return next
      },
      async return() {
        return { done: true, value: undefined }
      },
    }),
  }
  let headers: string[] | null = null
  try {
    // Without a known sku column too: such a file is exactly the one a remembered mapping is for.
    const seen = await inspectProducts(recording, {
      rows: 1,
      maxBytes: PEEK_BYTES,
      skuOptional: true,
      ...(options.encoding ? { encoding: options.encoding } : {}),
      ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
    headers = seen.columns.map((column) => column.header)
  } catch (error) {
    // The import reads the file again and reports what is wrong with it; a cancel stops here.
    if (options.signal?.aborted) {
      await iterator.return?.()
      throw error
    }
  }
  // An iterator rather than a generator: one never started must still close the source.
  const replay: AsyncIterator<Uint8Array> = {
    async next() {
      const chunk = head.shift()
      if (chunk) return { done: false, value: chunk }
      if (ended) return { done: true, value: undefined }
      return iterator.next()
    },
    async return() {
      head.length = 0
      await iterator.return?.()
      return { done: true, value: undefined }
    },
  }
  return {
    headers,
    signature: headers ? headerSignature(headers) : null,
    source: withFileSize({ [Symbol.asyncIterator]: () => replay }, opened.size),
    bytesTotal: opened.bytesTotal,
  }
}
