import { api } from '../_api.js'
import type { JobJson } from './_jobs.js'

/** Job states after which nothing changes. */
export const TERMINAL = ['completed', 'failed', 'cancelled', 'interrupted']

/**
 * Follows a job: its state now, then every change from the event stream until it ends (the
 * stream sends the current state first, so a reload or a second tab reattaches). Returns a
 * function that stops following.
 */
export function followJob(
  id: string,
  onChange: (job: JobJson) => void,
  onMissing: (error: unknown) => void,
): () => void {
  let source: EventSource | undefined
  let stopped = false
  const show = (job: JobJson) => {
    if (stopped) return
    onChange(job)
    if (TERMINAL.includes(job.status)) source?.close()
  }
  api<JobJson>(`api/import/${id}/`).then((job) => {
    show(job)
    if (stopped || TERMINAL.includes(job.status)) return
    source = new EventSource(`api/import/${id}/events`)
    for (const name of ['progress', ...TERMINAL]) {
      source.addEventListener(name, (event) => show(JSON.parse((event as MessageEvent).data)))
    }
  }, onMissing)
  return () => {
    stopped = true
    source?.close()
  }
}
