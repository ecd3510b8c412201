import pg, { type ClientConfig, type Notification } from 'pg'
import { JOB_CHANNEL } from './_postgres-objects.js'

/** How long a lost or failed LISTEN connection waits before the next attempt. */
const RETRY_MS = 1000
/** How long the connection stays open after the last subscriber leaves, for the next one. */
const LINGER_MS = 2000

export interface JobListener {
  subscribe(listener: (jobId: string) => void): () => void
  close(): Promise<void>
}

/**
 * One connection that LISTENs on {@link JOB_CHANNEL} while anyone subscribes, shared by every
 * subscriber of a storage. It is a connection of its own, not one of the pool's, so that
 * watchers never take the connections that queries and imports need. It opens on the first
 * subscription, is replaced a second after it is lost, and closes shortly after the last
 * subscriber leaves. Subscribers keep polling meanwhile, so a gap only delays updates.
 */
export function createJobListener(config: ClientConfig): JobListener {
  const listeners = new Set<(jobId: string) => void>()
  // The connection listening now, and how to close it.
  let client: pg.Client | undefined
  let closeClient = async () => {}
  let connecting: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const onNotification = (message: Notification) => {
    if (message.channel !== JOB_CHANNEL || !message.payload) return
    for (const listener of listeners) listener(message.payload)
  }

  function later(action: () => void, ms: number) {
    clearTimeout(timer)
    timer = setTimeout(action, ms)
    timer.unref()
  }

  function connect() {
    if (closed || client || connecting || listeners.size === 0) return
    connecting = (async () => {
      const current = new pg.Client(config)
      let ended = false
      const end = async () => {
        if (ended) return
        ended = true
        current.off('notification', onNotification)
        if (client === current) client = undefined
        await current.end().catch(() => {})
      }
      current.on('notification', onNotification)
      current.on('error', () => {
        if (ended) return
        void end()
        later(connect, RETRY_MS)
      })
      try {
        await current.connect()
        await current.query(`listen ${JOB_CHANNEL}`)
        if (closed || listeners.size === 0) return await end()
        client = current
        closeClient = end
      } catch {
        await end()
        later(connect, RETRY_MS)
      } finally {
        connecting = undefined
      }
    })()
  }

  return {
    subscribe(listener) {
      if (closed) return () => {}
      listeners.add(listener)
      clearTimeout(timer)
      connect()
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0 || closed) return
        later(() => {
          if (listeners.size === 0) void closeClient()
        }, LINGER_MS)
      }
    },
    async close() {
      closed = true
      clearTimeout(timer)
      listeners.clear()
      await connecting
      await closeClient()
    },
  }
}
