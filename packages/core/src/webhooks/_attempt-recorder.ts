import type { AttemptResult, WebhookStorage } from '../storage/webhook-types.js'

/** Attempts recorded in one transaction at most. */
const MAX_GROUP = 200

/**
 * Records attempts in groups: while one group commits, the attempts that finish meanwhile wait
 * and go together in the next transaction. A commit per delivery (an fsync on PostgreSQL) was
 * what bounded how many deliveries a dispatcher sends per second; under load the groups grow by
 * themselves, and a lone attempt is recorded at once.
 */
export function createAttemptRecorder(storage: Pick<WebhookStorage, 'recordAttempts'>) {
  let waiting: { result: AttemptResult; settle: (error?: unknown) => void }[] = []
  let writing = false

  async function writeGroups(): Promise<void> {
    writing = true
    try {
      while (waiting.length > 0) {
        const group = waiting.slice(0, MAX_GROUP)
        waiting = waiting.slice(group.length)
        try {
          await storage.recordAttempts(group.map((item) => item.result))
          for (const item of group) item.settle()
        } catch (error) {
          for (const item of group) item.settle(error)
        }
      }
    } finally {
      // Set in the same turn as the last check of `waiting`: no attempt can slip in between.
      writing = false
    }
  }

  return {
    /** Resolves once the attempt is committed; rejects when its group could not be. */
    record(result: AttemptResult): Promise<void> {
      const done = new Promise<void>((resolve, reject) => {
        waiting.push({
          result,
          settle: (error) => (error === undefined ? resolve() : reject(error)),
        })
      })
      if (!writing) void writeGroups()
      return done
    },
  }
}
