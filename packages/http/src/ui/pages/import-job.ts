import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { count, duration } from '../_format.js'
import type { Route } from '../_route.js'
import { type JobJson, outcome } from './_jobs.js'
import { uploadOf } from './_uploads.js'

const TERMINAL = ['completed', 'failed', 'cancelled']

/**
 * One import, live: its own URL, so a reload or another tab reattaches to the running job
 * through the event stream (which sends the current state first).
 */
export function importJobPage(root: HTMLElement, route: Route): () => void {
  const id = route.path.split('/').pop() ?? ''
  const title = h('h1', {}, 'Import')
  const upload = h('div', { class: 'upload' })
  const bar = h('progress', { id: 'progress', max: 100, 'aria-labelledby': 'progress-label' })
  const label = h('p', { id: 'progress-label' }, 'Connecting…')
  const figures = h('dl', { class: 'figures' })
  // Screen readers hear milestones, not every tick of the bar.
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'announcer' })
  const result = h('div', { class: 'result' })
  const cancel = h('button', { type: 'button', class: 'danger', hidden: true }, 'Cancel import')
  const cancelNote = h(
    'p',
    { class: 'muted', hidden: true },
    'Cancelling stops after the batch in progress; batches already committed stay in the catalog.',
  )
  replace(
    root,
    title,
    upload,
    h(
      'section',
      { class: 'card', 'aria-label': 'Progress' },
      label,
      bar,
      figures,
      h('div', { class: 'actions' }, cancel),
      cancelNote,
    ),
    live,
    result,
  )

  let lastAnnounced = -1
  let source: EventSource | undefined
  const show = (job: JobJson) => {
    title.textContent = `Import of ${job.filename ?? 'an upload'}${job.dry_run ? ' (dry run)' : ''}`
    const percent = job.progress ?? 0
    const finished = TERMINAL.includes(job.status)
    // Without the file's size the share done is unknown: the bar then shows activity only.
    if (job.progress === null && !finished) bar.removeAttribute('value')
    else bar.value = finished && job.status === 'completed' ? 100 : percent
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
    const running = job.status === 'pending' || job.status === 'running'
    cancel.hidden = !running || job.cancel_requested
    cancelNote.hidden = !running
    const step = finished ? 100 : Math.floor(percent / 25) * 25 + (job.status === 'running' ? 1 : 0)
    if (step !== lastAnnounced || finished) {
      lastAnnounced = step
      live.textContent = finished
        ? outcome(job)
        : `${job.progress === null ? '' : `${percent}% imported, `}${count(job.rows)} rows done`
    }
    if (finished) {
      source?.close()
      showResult(result, job)
    }
  }

  cancel.addEventListener('click', async () => {
    cancel.disabled = true
    try {
      show(await api<JobJson>(`api/import/${id}/cancel`, { method: 'POST' }))
    } catch (failure) {
      live.textContent = isFailure(failure) ? failure.message : String(failure)
      cancel.disabled = false
    }
  })

  const sending = uploadOf(id)
  const showUpload = () => {
    if (!sending) return
    const percent = sending.total ? Math.round((sending.loaded / sending.total) * 100) : 0
    replace(
      upload,
      h(
        'label',
        { for: 'upload-progress' },
        sending.error
          ? `Upload failed: ${sending.error}`
          : sending.done
            ? 'File uploaded'
            : `Uploading: ${percent}%`,
      ),
      h('progress', { id: 'upload-progress', max: 100, value: percent }),
    )
  }
  sending?.listeners.add(showUpload)
  showUpload()

  api<JobJson>(`api/import/${id}/`).then(
    (job) => {
      show(job)
      if (TERMINAL.includes(job.status)) return
      source = new EventSource(`api/import/${id}/events`)
      for (const name of ['progress', ...TERMINAL]) {
        source.addEventListener(name, (event) => show(JSON.parse((event as MessageEvent).data)))
      }
    },
    (failure) => {
      replace(
        root,
        h('h1', {}, 'Import not found'),
        h('p', {}, isFailure(failure) ? failure.message : String(failure)),
        h('a', { href: '#/import' }, 'Back to imports'),
      )
    },
  )
  return () => {
    source?.close()
    sending?.listeners.delete(showUpload)
  }
}

function figure(term: string, value: string): HTMLElement[] {
  return [h('div', {}, h('dt', {}, term), h('dd', {}, value))]
}

function showResult(result: HTMLElement, job: JobJson): void {
  replace(
    result,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'result-title' },
      h('h2', { id: 'result-title' }, 'Result'),
      h('p', { id: 'outcome' }, outcome(job)),
      job.error ? h('p', { class: 'error' }, job.error.message) : null,
      job.status === 'cancelled'
        ? h('p', {}, 'The import was cancelled. Batches committed before that stay in the catalog.')
        : null,
      job.invalid > 0
        ? h(
            'p',
            {},
            h(
              'a',
              { href: `api/import/${job.job_id}/errors.csv`, download: '' },
              `Download the ${count(job.invalid)} row errors (CSV)`,
            ),
          )
        : null,
      h(
        'p',
        {},
        h('a', { href: '#/import' }, 'Import another file'),
        ' · ',
        h('a', { href: '#/products' }, 'See the products'),
      ),
    ),
  )
}
