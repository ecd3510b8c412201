import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { bytes } from '../_format.js'
import { navigate, type Route } from '../_route.js'
import { type JobJson, jobList } from './_jobs.js'
import { sendFile } from './_uploads.js'

/** Import: pick or drop a CSV file, upload it, follow the job; the history of imports below. */
export function importPage(root: HTMLElement, _route: Route): undefined {
  let file: File | undefined
  const input = h('input', {
    id: 'file',
    type: 'file',
    accept: '.csv,.tsv,.txt,text/csv',
    class: 'visually-hidden',
  })
  const chosen = h('p', { id: 'chosen', class: 'muted' }, 'No file chosen')
  const error = h('p', { class: 'error', role: 'alert' })
  const dryRun = h('input', { id: 'dry-run', type: 'checkbox' })
  const start = h(
    'button',
    { type: 'submit', class: 'primary', disabled: true },
    'Upload and import',
  )
  const choose = (picked: File | undefined) => {
    file = picked
    chosen.textContent = picked ? `${picked.name} (${bytes(picked.size)})` : 'No file chosen'
    start.disabled = !picked
  }
  input.addEventListener('change', () => choose(input.files?.[0]))
  const zone = h(
    'label',
    { for: 'file', class: 'drop', id: 'drop-zone' },
    h('strong', {}, 'Drop a CSV file here'),
    h('span', {}, 'or press to choose one'),
  )
  zone.addEventListener('dragover', (event) => {
    event.preventDefault()
    zone.classList.add('over')
  })
  zone.addEventListener('dragleave', () => zone.classList.remove('over'))
  zone.addEventListener('drop', (event) => {
    event.preventDefault()
    zone.classList.remove('over')
    choose(event.dataTransfer?.files[0])
  })
  const form = h(
    'form',
    { class: 'card', method: 'post', action: '#', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload a file'),
    input,
    zone,
    chosen,
    h(
      'div',
      { class: 'field inline' },
      dryRun,
      h('label', { for: 'dry-run' }, 'Dry run: report what would change, write nothing'),
    ),
    error,
    start,
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (!file) return
    error.textContent = ''
    start.disabled = true
    try {
      const job = await api<JobJson>('api/import/', {
        method: 'POST',
        body: { filename: file.name, size: file.size, dry_run: dryRun.checked },
      })
      sendFile(job.job_id, file)
      navigate(`#/imports/${job.job_id}`)
    } catch (failure) {
      error.textContent = isFailure(failure) ? failure.message : String(failure)
      start.disabled = false
    }
  })
  const history = h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'Past imports'),
    h('p', {}, 'Loading…'),
  )
  api<{ items: JobJson[] }>('api/import/jobs/?limit=20').then(
    ({ items }) =>
      replace(
        history,
        h('h2', { id: 'history-title' }, 'Past imports'),
        items.length ? jobList(items) : h('p', {}, 'No import yet.'),
      ),
    () =>
      replace(history, h('h2', { id: 'history-title' }, 'Past imports'), h('p', {}, 'Unavailable')),
  )
  replace(root, h('h1', {}, 'Import products'), form, history)
  return undefined
}
