import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * Runs one piece of work at a time, in call order. An import batch on the connection (raw
 * driver, BEGIN ... COMMIT) must not start while a transaction of the shared queries waits
 * between two of its statements; and while a batch runs on the writer thread, the shared
 * queries' writes wait here, asynchronously, rather than for SQLite's write lock, which would
 * hold the event loop.
 *
 * The piece after another starts on a turn of the event loop of its own. The driver is
 * synchronous, so work that follows work (the chunks of a bulk change, one after another) would
 * otherwise run on promise callbacks alone, and the requests that came meanwhile would be read
 * only once all of it ended: a single create sent during a bulk change of 90,000 products
 * answered after it, 2.6 s later, instead of between two chunks. A piece that finds nothing
 * before it starts at once (an import batch written on the connection still runs in the call).
 */
export function createExclusive(): <T>(run: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  let idle = true
  return (run) => {
    const result = (idle ? Promise.resolve() : tail).then(run)
    idle = false
    const done = result.catch(() => {}).then(() => nextTurn())
    tail = done
    void done.then(() => {
      if (tail === done) idle = true
    })
    return result
  }
}
