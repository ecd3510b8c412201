import type { Notification, Pool, PoolClient } from 'pg'
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
 * One pooled connection that LISTENs on {@link JOB_CHANNEL} while anyone subscribes, shared by
 * every subscriber of a storage. It opens on the first subscription, is replaced a second after
 * it is lost, and goes back (destroyed, since it would go on listening) shortly after the last
 * subscriber leaves. Subscribers keep polling meanwhile, so a gap only delays updates.
 */
export function createJobListener(pool: Pool): JobListener {
  const listeners = new Set<(jobId: string) => void>()
  // The connection listening now, and how to give it back.
  let client: PoolClient | undefined
  let dropClient = () => {}
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
      let current: PoolClient | undefined
      let released = false
      const release = (error?: Error) => {
        if (released || !current) return
        released = true
        current.off('notification', onNotification)
        current.release(error ?? true)
        if (client === current) client = undefined
      }
      try {
        current = await pool.connect()
        current.on('notification', onNotification)
        current.on('error', (error) => {
          if (released) return
          release(error)
          later(connect, RETRY_MS)
        })
        await current.query(`listen ${JOB_CHANNEL}`)
        if (closed || listeners.size === 0) return release()
        client = current
        dropClient = () => release()
      } catch {
        release()
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
          if (listeners.size === 0) dropClient()
        }, LINGER_MS)
      }
    },
    async close() {
      closed = true
      clearTimeout(timer)
      listeners.clear()
      await connecting
      dropClient()
    },
  }
}
