/**
 * Runs one piece of work at a time, in call order. An import batch on the connection (raw
 * driver, BEGIN ... COMMIT) must not start while a transaction of the shared queries waits
 * between two of its statements; and while a batch runs on the writer thread, the shared
 * queries' writes wait here, asynchronously, rather than for SQLite's write lock, which would
 * hold the event loop.
 */
export function createExclusive(): <T>(run: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return (run) => {
    const result = tail.then(run)
    tail = result.catch(() => {})
    return result
  }
}
