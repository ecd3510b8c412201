import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ImporterError, type ImportSummary, isImporterError } from '@product-importer/core'
import Busboy from 'busboy'
import type { H3Event } from 'h3'
import { looksLikeCsv, mediaType, notCsv } from './_content-type.js'
import { formFlag } from './_flag.js'
import { ApiError } from './errors.js'

/** An upload on its way into a job. */
export interface Started {
  jobId: Promise<string>
  run: Promise<ImportSummary>
  /** Settles when the whole body has been read (or reading failed). */
  bodyDone: Promise<void>
}

/** What a multipart body's file went into, and when the whole body has been read. */
export type Receiving<T> = T & { bodyDone: Promise<void> }

/**
 * Parses a multipart body with busboy and starts the import on the field `file` as soon as its
 * first bytes arrive; other fields before it (`dry_run`, `mapping`) are read and handed to
 * `start`, other files are skipped. Resolves once `start` ran; rejects for a missing or non-CSV
 * file, a broken body, or what `start` threw. A second `file` part fails the import: the import
 * sees the end of its file only once the whole body is read, so it cannot complete before the
 * second part shows.
 */
export function startMultipart<T>(
  event: H3Event,
  chunks: AsyncIterable<Uint8Array>,
  dryRunDefault: boolean,
  start: (
    source: AsyncIterable<Uint8Array>,
    filename: string | undefined,
    dryRun: boolean,
    fields: Record<string, string>,
  ) => T,
): Promise<Receiving<T>> {
  return new Promise<Receiving<T>>((resolve, reject) => {
    let busboy: Busboy.Busboy
    try {
      busboy = Busboy({
        headers: { 'content-type': event.req.headers.get('content-type') ?? '' },
        limits: { fields: 20, fieldSize: 64 * 1024, parts: 50 },
      })
    } catch (error) {
      reject(
        new ApiError('VALIDATION_FAILED', `Malformed multipart body: ${(error as Error).message}`),
      )
      return
    }
    let dryRun = dryRunDefault
    let file: Readable | undefined
    let refused: unknown
    const fields: Record<string, string> = {}
    let latePart!: (error: ImporterError) => void
    const noLatePart = new Promise<never>((_, reject) => (latePart = reject))
    noLatePart.catch(() => {}) // observed by the import only while it reads
    busboy.on('field', (name, value) => {
      if (file) {
        // The import started with the fields before the file: one after it would change
        // nothing in silence (a dry run that writes), so it fails the import instead.
        latePart(
          new ImporterError(
            'VALIDATION_FAILED',
            `The field "${name.slice(0, 100)}" came after the file: send every field before the "file" part`,
          ),
        )
        return
      }
      try {
        if (name === 'dry_run') dryRun = formFlag(name, value)
        else fields[name] = value
      } catch (error) {
        refused ??= error
        reject(error)
      }
    })
    busboy.on('file', (name, stream, info) => {
      if (name === 'file' && file) {
        latePart(
          new ImporterError(
            'VALIDATION_FAILED',
            'The upload has more than one "file" part: send one CSV file per request',
          ),
        )
      }
      if (name !== 'file' || file || refused) {
        stream.resume()
        return
      }
      if (!looksLikeCsv(info.filename, mediaType(info.mimeType))) {
        refused = notCsv(info.mimeType, info.filename)
        stream.resume()
        // Answered now; the connection closes with the answer.
        reject(refused)
        return
      }
      file = stream
      const bodyRead = Promise.race([feeding.done, noLatePart])
      // Awaited only if the import reads its file to the end; one that stops early must not
      // leave the body's failure unhandled.
      bodyRead.catch(() => {})
      const source = endWithBody(stream, bodyRead)
      try {
        resolve({
          ...start(source, info.filename || undefined, dryRun, fields),
          bodyDone: bodyRead,
        })
      } catch (error) {
        refused = error
        stream.resume()
        reject(error)
      }
    })
    const feeding = feed(chunks, busboy, () => file)
    feeding.done.then(
      () => {
        if (refused) reject(refused)
        else if (!file)
          reject(new ApiError('FILE_REQUIRED', 'Send the CSV in the multipart field "file"'))
      },
      (error: unknown) => {
        if (refused) reject(refused)
        else if (error instanceof ApiError || isImporterError(error)) reject(error)
        else
          reject(
            new ApiError(
              'VALIDATION_FAILED',
              `Malformed multipart body: ${(error as Error).message}`,
            ),
          )
      },
    )
  })
}

/** The file's chunks, ending once `bodyRead` settles: an error there fails the import. */
async function* endWithBody(file: Readable, bodyRead: Promise<void>): AsyncGenerator<Uint8Array> {
  yield* file
  await bodyRead
}

/** Pipes the body into busboy; a failure also fails the file stream the import reads. */
function feed(
  chunks: AsyncIterable<Uint8Array>,
  busboy: Busboy.Busboy,
  file: () => Readable | undefined,
) {
  const done = pipeline(Readable.from(chunks, { objectMode: false }), busboy).catch(
    (error: unknown) => {
      const stream = file()
      if (stream && !stream.readableEnded) stream.destroy(error as Error)
      throw error
    },
  )
  return { done }
}
