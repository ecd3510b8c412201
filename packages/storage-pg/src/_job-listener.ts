import type pg from 'pg'
import type { Notification } from 'pg'
import { connectBeside } from './_connect-beside.js'
import { JOB_CHANNEL } from './_migrations.js'

/** How long a lost or failed LISTEN connection waits before the next attempt. */
const RETRY_MS = 1000
/** How long the connection stays open after the last subscriber leaves, for the next one. */
const LINGER_MS = 2000
/** A LISTEN connection sends nothing on its own: TCP keep-alive notices one that died. */
const SETTINGS = { keepAlive: true, connectionTimeoutMillis: 10_000 }

export interface JobListener {
  /**
   * `listener` gets a job's id after each write of it, and `undefined` once listening starts
   * (again): announcements made before that were not heard.
   */
  subscribe(listener: (jobId: string | undefined) => void): () => void
  close(): Promise<void>
}

/**
 * One connection that LISTENs on {@link JOB_CHANNEL} while anyone subscribes, shared by every
 * subscriber of a storage. It is a connection of its own, not one of the pool's, so that
 * watchers never take the connections that queries and imports need. It opens on the first
 * subscription, is replaced a second after it is lost, and closes shortly after the last
 * subscriber leaves. Subscribers keep polling meanwhile, so a gap only delays updates.
 */
export function createJobListener(pool: pg.Pool): JobListener {
  const listeners = new Set<(jobId: string | undefined) => void>()
  // The connection listening now, and how to close it.
  let client: pg.Client | undefined
  let closeClient = async () => {}
  let connecting = false
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const tell = (jobId: string | undefined) => {
    for (const listener of listeners) listener(jobId)
  }
  const onNotification = (message: Notification) => {
    if (message.channel === JOB_CHANNEL && message.payload) tell(message.payload)
  }

  function later(action: () => void, ms: number) {
    clearTimeout(timer)
    timer = setTimeout(action, ms)
    timer.unref()
  }

  async function connect() {
    if (closed || client || connecting || listeners.size === 0) return
    connecting = true
    let current: pg.Client | undefined
    let ended = false
    const end = async () => {
      if (ended) return
      ended = true
      if (client === current) client = undefined
      await current?.end().catch(() => {})
    }
    const lost = () => {
      if (ended) return
      void end()
      later(connect, RETRY_MS)
    }
    try {
      current = await connectBeside(pool, lost, SETTINGS)
      current.on('notification', onNotification)
      await current.query(`listen ${JOB_CHANNEL}`)
      // Closed, or nobody left, while connecting.
      if (closed || listeners.size === 0) return await end()
      client = current
      closeClient = end
      tell(undefined)
    } catch {
      lost()
    } finally {
      connecting = false
    }
  }

  return {
    subscribe(listener) {
      if (closed) return () => {}
      listeners.add(listener)
      clearTimeout(timer)
      void connect()
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0 || closed) return
        later(() => {
          if (listeners.size === 0) void closeClient()
        }, LINGER_MS)
      }
    },
    async close() {
      // A connection still being opened ends itself when it sees `closed`.
      closed = true
      clearTimeout(timer)
      listeners.clear()
      await closeClient()
    },
  }
}
