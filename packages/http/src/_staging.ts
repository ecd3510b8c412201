import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { isDiskFull, stagingFull } from './errors.js'

/** A file staged on the server: uploaded once, then previewed, imported and retried. */
export interface StagedUpload {
  id: string
  filename: string | null
  size: number
  createdAt: Date
  expiresAt: Date
}

/** Where staged uploads live and for how long. */
export interface Staging {
  /**
   * Streams `chunks` into a new staged file; removes the partial file if the stream fails. A
   * full disk fails with `STAGING_FULL` (507).
   */
  save(chunks: AsyncIterable<Uint8Array>, filename: string | null): Promise<StagedUpload>
  /** The upload's metadata, or undefined when unknown or expired. */
  get(id: string): Promise<StagedUpload | undefined>
  /** The path of the upload's file. */
  pathOf(id: string): string
  /** Removes the upload (no error when it is gone). */
  remove(id: string): Promise<void>
  /** Every upload not expired (nor imported), newest first. */
  list(): Promise<StagedUpload[]>
  /** Removes every expired upload. */
  sweep(): Promise<void>
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * A folder of staged uploads: `<id>.csv` beside `<id>.json` (its metadata). Expired ones are
 * swept whenever an upload is saved or used, so no timer has to outlive the app.
 */
export function createStaging(dir: string, ttlMs: number): Staging {
  const metaPath = (id: string) => join(dir, `${id}.json`)
  const pathOf = (id: string) => join(dir, `${id}.csv`)
  const remove = async (id: string) => {
    await Promise.all([rm(pathOf(id), { force: true }), rm(metaPath(id), { force: true })])
  }
  const read = async (id: string): Promise<StagedUpload | undefined> => {
    if (!UUID.test(id)) return undefined
    try {
      const meta = JSON.parse(await readFile(metaPath(id), 'utf8'))
      return {
        id,
        filename: meta.filename,
        size: meta.size,
        createdAt: new Date(meta.createdAt),
        expiresAt: new Date(meta.expiresAt),
      }
    } catch {
      return undefined
    }
  }
  // An upload is its metadata file: the data file alone is one still being written.
  const ids = async () =>
    (await readdir(dir).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => UUID.test(id))
  const staging: Staging = {
    async save(chunks, filename) {
      await mkdir(dir, { recursive: true })
      void staging.sweep()
      const id = randomUUID()
      let size = 0
      const counted = async function* () {
        for await (const chunk of chunks) {
          size += chunk.byteLength
          yield chunk
        }
      }
      try {
        await pipeline(Readable.from(counted()), createWriteStream(pathOf(id), { flags: 'wx' }))
        const createdAt = new Date()
        const upload = {
          id,
          filename,
          size,
          createdAt,
          expiresAt: new Date(createdAt.getTime() + ttlMs),
        }
        // Written after the file is complete: an upload without metadata does not exist.
        await writeFile(metaPath(id), JSON.stringify(upload))
        return upload
      } catch (error) {
        await remove(id)
        throw isDiskFull(error) ? stagingFull(size, error) : error
      }
    },
    async get(id) {
      const upload = await read(id)
      if (upload && upload.expiresAt.getTime() <= Date.now()) {
        await remove(id)
        return undefined
      }
      return upload
    },
    pathOf,
    remove,
    async list() {
      await staging.sweep()
      const uploads: StagedUpload[] = []
      for (const id of await ids()) {
        const upload = await read(id)
        if (upload) uploads.push(upload)
      }
      return uploads.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    },
    async sweep() {
      const now = Date.now()
      for (const id of await ids()) {
        const upload = await read(id)
        if (!upload || upload.expiresAt.getTime() <= now) await remove(id)
      }
    },
  }
  return staging
}
