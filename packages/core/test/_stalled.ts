import type { ImportJob, ProductImporter } from '@product-importer/core'
import { afterEach } from 'vitest'

const releases: (() => void)[] = []
afterEach(() => {
  for (const release of releases.splice(0)) release()
})

/**
 * A source that gives `head` (the header and the first rows), then nothing until the test ends:
 * a process stuck mid-upload, whose job stays running until its heartbeat stops.
 */
export function stalledSource(head: string): AsyncIterable<Uint8Array> {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  releases.push(release)
  async function* chunks() {
    yield Buffer.from(head)
    await released
  }
  return chunks()
}

/** The job once `done` holds for it, watched every 20 ms. */
export async function until(
  importer: ProductImporter,
  id: string,
  done: (job: ImportJob) => boolean,
): Promise<ImportJob> {
  for await (const job of importer.imports.watch(id, { intervalMs: 20 })) if (done(job)) return job
  throw new Error(`job ${id} ended without reaching the state`)
}
