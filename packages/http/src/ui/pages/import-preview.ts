import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { count } from '../_format.js'
import { href, navigate, type Route } from '../_route.js'
import { whileBusy } from '../_status.js'
import { changeSamples } from './_change-samples.js'
import { followJob } from './_follow.js'
import { createJobProgress } from './_job-progress.js'
import type { JobJson } from './_jobs.js'
import { mappingOf, mappingParam, stagedImport } from './_mapping.js'
import { readingSection } from './_reading.js'
import type { UploadJson } from './_stage.js'
import { steps } from './_steps.js'

interface RowErrorJson {
  line: number
  sku: string | null
  column: string | null
  value: string | null
  message: string
}

/**
 * The preview of a staged file: a dry run with live progress, then the counts it would create,
 * update, leave unchanged and reject, the first updates field by field, and the first rejected
 * rows. The dry run's id joins the URL, so a reload shows the same preview instead of running
 * another.
 */
export function previewStep(root: HTMLElement, route: Route, uploadId: string): () => void {
  const mapping = mappingParam(route.params)
  const title = h('h1', {}, 'Preview')
  const progress = createJobProgress()
  const result = h('div', {})
  replace(
    root,
    title,
    steps(3),
    h('section', { class: 'card', 'aria-label': 'Dry run progress' }, progress.element),
    result,
  )
  let stop = () => {}
  let stopped = false
  const fail = (failure: unknown) =>
    replace(
      result,
      h(
        'p',
        { class: 'error', role: 'alert' },
        isFailure(failure) ? failure.message : String(failure),
      ),
      h('a', { href: '#/import' }, 'Choose a file'),
    )
  const follow = (jobId: string) => {
    if (stopped) return
    stop = followJob(
      jobId,
      (job) => {
        title.textContent = `Preview of ${job.filename ?? 'the upload'}`
        progress.update(job)
        if (job.status !== 'pending' && job.status !== 'running') {
          showPreview(result, job, uploadId, {
            map: route.params.get('map') ?? undefined,
            imported: route.params.get('imported') ?? undefined,
          })
        }
      },
      fail,
    )
  }
  const previewId = route.params.get('preview')
  if (previewId) follow(previewId)
  else {
    api<JobJson>('api/import/', {
      method: 'POST',
      body: stagedImport(uploadId, mapping, { dryRun: true }),
    }).then((job) => {
      const map = route.params.get('map') ?? undefined
      history.replaceState(
        null,
        '',
        href('/import', { upload: uploadId, mapped: 1, map, preview: job.job_id }),
      )
      follow(job.job_id)
    }, fail)
  }
  return () => {
    stopped = true
    stop()
  }
}

/** What the preview's URL says besides the upload: its mapping, and the import it started. */
interface PreviewParams {
  map: string | undefined
  imported: string | undefined
}

async function showPreview(
  result: HTMLElement,
  job: JobJson,
  uploadId: string,
  { map, imported }: PreviewParams,
): Promise<void> {
  if (job.status !== 'completed') {
    replace(
      result,
      h('p', { class: 'error', role: 'alert' }, job.error?.message ?? `The dry run ${job.status}`),
      h('a', { href: '#/import' }, 'Choose another file'),
    )
    return
  }
  const [errors, upload] = await Promise.all([
    job.invalid > 0
      ? api<{ items: RowErrorJson[] }>(`api/import/${job.job_id}/errors?limit=10`)
      : { items: [] },
    api<UploadJson>(`api/uploads/${uploadId}/`).catch(() => undefined),
  ])
  const start = h('button', { type: 'button', class: 'primary', id: 'start-import' }, 'Import')
  const error = h('p', { class: 'error', role: 'alert' })
  start.addEventListener('click', () => void whileBusy([start], startImport))
  const startImport = async () => {
    try {
      // Exactly what the preview read: with no mapping of its own, the import would apply
      // whatever mapping is remembered for the header by now, which may not be the previewed
      // one. A mapping the user chose is remembered; a detected or remembered one stays as is.
      const next = await api<JobJson>('api/import/', {
        method: 'POST',
        body: stagedImport(uploadId, mappingOf(job.mapping ?? {}), { remember: map !== undefined }),
      })
      // Back from the import, this preview says the file was imported by it (its staged copy
      // is gone once the import completes), rather than that the file expired.
      history.replaceState(
        null,
        '',
        href('/import', {
          upload: uploadId,
          mapped: 1,
          map,
          preview: job.job_id,
          imported: next.job_id,
        }),
      )
      navigate(href(`/imports/${next.job_id}`, { upload: uploadId, map }))
    } catch (failure) {
      error.textContent = isFailure(failure) ? failure.message : String(failure)
    }
  }
  // A header-only file: 0 of everything, and an Import that would do nothing.
  const empty = job.rows === 0
  const stat = (label: string, value: number) =>
    h('div', {}, h('dt', {}, label), h('dd', {}, count(value)))
  replace(
    result,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'preview-title' },
      h('h2', { id: 'preview-title' }, 'What this file would change'),
      h(
        'dl',
        { class: 'figures', id: 'preview-counts' },
        stat('To create', job.created),
        stat('To update', job.updated),
        stat('Unchanged', job.unchanged),
        stat('Rejected', job.invalid),
      ),
      readingSection(job),
      job.change_samples?.length ? changeSamples(job.change_samples, job.updated) : null,
      errors.items.length > 0 ? rejectedRows(errors.items, job) : null,
      empty
        ? h(
            'p',
            { class: 'error', id: 'no-rows' },
            'The file has a header but no rows: there is nothing to import.',
          )
        : null,
      upload ? null : gone(imported),
      h(
        'div',
        { class: 'actions' },
        upload && !empty ? start : null,
        h(
          'a',
          { href: href('/import', { upload: uploadId, map }), class: 'button' },
          'Change the mapping',
        ),
        h('a', { href: '#/import', class: 'button' }, 'Choose another file'),
      ),
      error,
    ),
  )
}

/** Why the staged file is not there: imported from this preview, or past its time to live. */
function gone(imported: string | undefined): HTMLElement {
  if (!imported) {
    return h(
      'p',
      { class: 'error' },
      'The staged file is gone (expired or imported): upload it again.',
    )
  }
  return h(
    'p',
    { id: 'imported' },
    'This file was imported: ',
    h('a', { href: href(`/imports/${imported}`) }, 'see the import'),
    '. Upload it again to preview it anew.',
  )
}

function rejectedRows(rows: RowErrorJson[], job: JobJson): HTMLElement {
  return h(
    'div',
    {},
    h('h3', {}, rows.length < job.invalid ? `First ${rows.length} rejected rows` : 'Rejected rows'),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Rejected rows' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Line', 'SKU', 'Column', 'Value', 'Problem'].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((row) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, String(row.line)),
              h('td', {}, row.sku ?? ''),
              h('td', {}, row.column ?? ''),
              h('td', {}, row.value ?? ''),
              h('td', {}, row.message),
            ),
          ),
        ),
      ),
    ),
  )
}
