/**
 * Runs one piece of work at a time, in call order. SQLite has one connection: an import batch
 * (raw driver, BEGIN ... COMMIT) must not start while a transaction of the shared queries waits
 * between two of its statements.
 */
export function createExclusive(): <T>(run: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return (run) => {
    const result = tail.then(run)
    tail = result.catch(() => {})
    return result
  }
}
