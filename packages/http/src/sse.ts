import { FINISHED_JOB_STATUSES, type ImportJob, type ProductImporter } from '@product-importer/core'
import { EventStream, type H3Event } from 'h3'
import { toJobJson } from './serialize.js'
import type { ResolvedOptions } from './types.js'

const TERMINAL: ReadonlySet<string> = FINISHED_JOB_STATUSES

/**
 * Server-Sent Events of one job: its state now (so a reconnect or a late subscriber misses
 * nothing), a `progress` event each time it changes, keep-alive comments in between, and a
 * final `completed`, `failed`, `cancelled` or `interrupted` event before the stream ends.
 */
export function jobEvents(
  event: H3Event,
  importer: ProductImporter,
  options: ResolvedOptions,
  job: ImportJob,
): EventStream {
  const stream = new EventStream(event)
  const controller = new AbortController()
  stream.onClosed(() => controller.abort())
  event.req.signal?.addEventListener('abort', () => controller.abort(), { once: true })
  const keepAlive = setInterval(() => {
    void stream.pushComment('keep-alive')
  }, options.keepAliveMs)
  keepAlive.unref()

  let first = true
  const send = (current: ImportJob) => {
    const message = {
      id: `${current.updatedAt.getTime()}`,
      event: TERMINAL.has(current.status) ? current.status : 'progress',
      data: JSON.stringify(toJobJson(current, options.basePath)),
      ...(first ? { retry: 2000 } : {}),
    }
    first = false
    return stream.push(message)
  }

  void (async () => {
    try {
      let last: ImportJob = job
      if (TERMINAL.has(job.status)) return await send(job)
      for await (const current of importer.imports.watch(job.id, {
        signal: controller.signal,
        intervalMs: options.progressIntervalMs,
      })) {
        last = current
        await send(current)
      }
      // watch ends on a terminal state; make sure the subscriber sees one even if the last
      // change raced the end of the loop.
      if (!controller.signal.aborted && !TERMINAL.has(last.status)) {
        const final = await importer.imports.get(job.id)
        if (final && TERMINAL.has(final.status)) await send(final)
      }
    } catch {
      // the job vanished or storage failed: ending the stream tells the client to retry
    } finally {
      clearInterval(keepAlive)
      await stream.close()
    }
  })()
  return stream
}
