import { h } from '../_dom.js'
import { count, dateTime } from '../_format.js'
import type { ChangeSampleJson } from './_change-samples.js'
import type { ReadingJson } from './_reading.js'

/** An import job as the API returns it. */
export interface JobJson extends ReadingJson {
  job_id: string
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted'
  phase: string
  filename: string | null
  dry_run: boolean
  bytes_read: number
  bytes_total: number | null
  progress: number | null
  rows: number
  created: number
  updated: number
  unchanged: number
  invalid: number
  duplicates_in_file: number
  rows_per_second: number
  eta_ms: number | null
  cancel_requested: boolean
  queue_position: number | null
  error: { code: string; message: string } | null
  /** A dry run's first updates; null on imports. */
  change_samples?: ChangeSampleJson[] | null
  created_at: string
  finished_at: string | null
}

/** A job's outcome in words, e.g. "Completed: 10 created, 2 updated, 1 invalid". */
export function outcome(job: JobJson): string {
  const counts = `${count(job.created)} created, ${count(job.updated)} updated, ${count(job.unchanged)} unchanged, ${count(job.invalid)} invalid`
  const label = {
    pending: 'Waiting for the file',
    running: 'Running',
    completed: 'Completed',
    failed: 'Failed',
    cancelled: 'Cancelled',
    interrupted: 'Interrupted',
  }[job.status]
  const waiting =
    job.queue_position === null
      ? ''
      : `, waiting for a free slot (number ${job.queue_position} in line)`
  return `${label}${waiting}${job.dry_run ? ' (dry run)' : ''}: ${counts}`
}

/** A list of jobs, each linking to its page. */
export function jobList(jobs: JobJson[]): HTMLElement {
  return h(
    'ul',
    { class: 'jobs' },
    jobs.map((job) =>
      h(
        'li',
        {},
        h('a', { href: `#/imports/${job.job_id}` }, job.filename ?? 'Upload'),
        ' ',
        h('span', { class: `badge ${job.status}` }, job.status),
        h('span', { class: 'muted' }, ` ${dateTime(job.created_at)} · ${outcome(job)}`),
      ),
    ),
  )
}
