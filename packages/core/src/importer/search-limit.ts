import { ImporterError } from '../errors.js'
import type { ProductFilter } from '../storage/types.js'

/** How many searches of one kind run and wait at once on one importer instance. */
export interface SearchLimitOptions {
  /**
   * Searches of one kind (the same set of text filters: `q`, `name`, `sku`, `description`)
   * running at once. Each takes up to two connections (its count and its page), so with the
   * default no kind holds more than 6 of a 10-connection pool, and the others still run.
   * @default 3
   */
  concurrent?: number
  /**
   * Searches of one kind waiting for one of those places; more fail with `BUSY`. Enough that
   * twenty clients asking the same kind at once wait rather than fail; a waiter whose client
   * has gone leaves the queue. @default 32
   */
  waiting?: number
  /** The `details.retryAfterS` of that `BUSY` (HTTP: `Retry-After`). @default 1 */
  retryAfterS?: number
}

const TEXT_FILTERS = ['q', 'name', 'sku', 'description'] as const

/** The kind of a search: its text filters, or `undefined` for a list no text filter slows. */
export function searchKind(filter: ProductFilter): string | undefined {
  const kind = TEXT_FILTERS.filter((key) => filter[key]?.trim()).join('+')
  return kind || undefined
}

const gone = () => new ImporterError('CANCELLED', 'the search was cancelled: its caller has gone')

/**
 * Runs searches under {@link SearchLimitOptions}: a burst of one slow kind (a common word
 * through `q`, say) queues behind its own places and is turned away past its queue, instead of
 * taking every connection of the pool while plain pages and other searches wait behind it. A
 * waiter whose signal aborts leaves the queue at once.
 */
export function createSearchLimit(options: SearchLimitOptions = {}) {
  const concurrent = Math.max(1, options.concurrent ?? 3)
  const waiting = Math.max(0, options.waiting ?? 32)
  const retryAfterS = options.retryAfterS ?? 1
  const running = new Map<string, number>()
  const queues = new Map<string, (() => void)[]>()

  const release = (kind: string) => {
    const queue = queues.get(kind)
    const next = queue?.shift()
    // The place passes from the search that ended to the next one: `running` stays as it is.
    if (next) return next()
    const n = (running.get(kind) ?? 1) - 1
    if (n > 0) running.set(kind, n)
    else running.delete(kind)
  }

  const place = (kind: string, signal: AbortSignal | undefined): Promise<void> => {
    if ((running.get(kind) ?? 0) < concurrent) {
      running.set(kind, (running.get(kind) ?? 0) + 1)
      return Promise.resolve()
    }
    if (signal?.aborted) return Promise.reject(gone())
    const queue = queues.get(kind) ?? []
    if (queue.length >= waiting) {
      return Promise.reject(
        new ImporterError(
          'BUSY',
          `${concurrent + waiting} searches by ${kind} are running or waiting on this instance; try again shortly`,
          { details: { retryAfterS } },
        ),
      )
    }
    queues.set(kind, queue)
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = () => {
        queue.splice(queue.indexOf(start), 1)
        reject(gone())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      queue.push(start)
    })
  }

  return {
    async run<T>(filter: ProductFilter & { signal?: AbortSignal }, search: () => Promise<T>) {
      const kind = searchKind(filter)
      if (kind === undefined) return search()
      await place(kind, filter.signal)
      try {
        return await search()
      } finally {
        release(kind)
      }
    },
  }
}
