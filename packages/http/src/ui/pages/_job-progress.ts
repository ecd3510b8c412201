import { h, replace } from '../_dom.js'
import { count, duration } from '../_format.js'
import { TERMINAL } from './_follow.js'
import { type JobJson, outcome } from './_jobs.js'

/**
 * The live view of a job: phase, a bar, percent, rows/s, time left and the counts so far, with
 * milestones announced to screen readers (not every tick of the bar).
 */
export function createJobProgress(): { element: HTMLElement; update(job: JobJson): void } {
  const bar = h('progress', { id: 'progress', max: 100, 'aria-labelledby': 'progress-label' })
  const label = h('p', { id: 'progress-label' }, 'Connecting…')
  const figures = h('dl', { class: 'figures' })
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'announcer' })
  let lastAnnounced = ''
  const update = (job: JobJson) => {
    const percent = job.progress ?? 0
    const finished = TERMINAL.includes(job.status)
    // Without the file's size the share done is unknown: the bar then shows activity only.
    if (job.progress === null && !finished) bar.removeAttribute('value')
    else bar.value = job.status === 'completed' ? 100 : percent
    const done = job.progress === null ? `${count(job.rows)} rows` : `${percent}%`
    label.textContent = finished
      ? outcome(job)
      : `${job.status === 'pending' ? 'Waiting for the file' : `Phase: ${job.phase}`} · ${done}`
    replace(
      figures,
      figure('Rows', count(job.rows)),
      figure('Created', count(job.created)),
      figure('Updated', count(job.updated)),
      figure('Unchanged', count(job.unchanged)),
      figure('Invalid', count(job.invalid)),
      finished ? null : figure('Rows/s', count(Math.round(job.rows_per_second))),
      finished
        ? null
        : figure('Time left', job.eta_ms === null ? 'estimating' : duration(job.eta_ms)),
    )
    // A milestone is a new status or another quarter done.
    const milestone = `${job.status}:${Math.floor(percent / 25)}`
    if (milestone !== lastAnnounced) {
      lastAnnounced = milestone
      live.textContent = finished
        ? outcome(job)
        : job.progress === null
          ? `${count(job.rows)} rows imported`
          : `${percent}% imported, ${count(job.rows)} rows`
    }
  }
  return { element: h('div', {}, label, bar, figures, live), update }
}

function figure(term: string, value: string): HTMLElement {
  return h('div', {}, h('dt', {}, term), h('dd', {}, value))
}
