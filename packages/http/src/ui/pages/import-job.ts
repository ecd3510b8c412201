import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { count } from '../_format.js'
import { href, navigate, type Route } from '../_route.js'
import { whileBusy } from '../_status.js'
import { followJob } from './_follow.js'
import { createJobProgress } from './_job-progress.js'
import { type JobJson, outcome } from './_jobs.js'
import { type MappingJson, mappingOf, mappingParam, stagedImport } from './_mapping.js'
import { readingSection } from './_reading.js'

/**
 * One import, live, at its own URL (`#/imports/<id>`): a reload or another tab reattaches to the
 * running job. With `?upload=<id>` (the staged file it came from), a failed import can run
 * again without uploading the file again, mapped as before (`map=<JSON>`).
 */
export function importJobPage(root: HTMLElement, route: Route): () => void {
  const id = route.path.split('/').pop() ?? ''
  const uploadId = route.params.get('upload')
  const title = h('h1', {}, 'Import')
  const progress = createJobProgress()
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
    h(
      'section',
      { class: 'card', 'aria-label': 'Progress' },
      progress.element,
      h('div', { class: 'actions' }, cancel),
      cancelNote,
    ),
    result,
  )

  const show = (job: JobJson) => {
    title.textContent = `Import of ${job.filename ?? 'an upload'}${job.dry_run ? ' (dry run)' : ''}`
    progress.update(job)
    const running = job.status === 'pending' || job.status === 'running'
    cancel.hidden = !running || job.cancel_requested
    cancelNote.hidden = !running
    if (!running) showResult(result, job, uploadId, mappingParam(route.params))
  }

  cancel.addEventListener(
    'click',
    () =>
      void whileBusy([cancel], async () => {
        try {
          show(await api<JobJson>(`api/import/${id}/cancel`, { method: 'POST' }))
        } catch (failure) {
          replace(result, h('p', { class: 'error', role: 'alert' }, message(failure)))
        }
      }),
  )

  return followJob(id, show, (failure) =>
    replace(
      root,
      h('h1', {}, 'Import not found'),
      h('p', {}, message(failure)),
      h('a', { href: '#/import' }, 'Back to imports'),
    ),
  )
}

function message(failure: unknown): string {
  return isFailure(failure) ? failure.message : String(failure)
}

function showResult(
  result: HTMLElement,
  job: JobJson,
  uploadId: string | null,
  mapping: MappingJson | undefined,
): void {
  const again =
    job.status === 'failed' && uploadId
      ? h('button', { type: 'button', class: 'primary', id: 'import-again' }, 'Import again')
      : null
  const resume =
    job.status === 'interrupted'
      ? h('button', { type: 'button', class: 'primary', id: 'resume' }, 'Resume import')
      : null
  const error = h('p', { class: 'error', role: 'alert' })
  resume?.addEventListener(
    'click',
    () =>
      void whileBusy([resume], async () => {
        try {
          await api<JobJson>(`api/import/${job.job_id}/resume`, { method: 'POST' })
          // The page follows the job again from its new running state.
          navigate(href(`/imports/${job.job_id}`, { upload: uploadId ?? undefined, resumed: '1' }))
        } catch (failure) {
          error.textContent = message(failure)
        }
      }),
  )
  // Busy until the new job's page is shown: a double click starts one job, not two.
  again?.addEventListener('click', () => void whileBusy([again], () => importAgain()))
  const importAgain = async () => {
    try {
      const next = await api<JobJson>('api/import/', {
        method: 'POST',
        // The mapping the user chose (remembered once it completes), else the one this job read.
        body: mapping
          ? stagedImport(uploadId!, mapping, { remember: true })
          : stagedImport(uploadId!, job.mapping ? mappingOf(job.mapping) : undefined),
      })
      navigate(
        href(`/imports/${next.job_id}`, {
          upload: uploadId ?? undefined,
          map: mapping ? JSON.stringify(mapping) : undefined,
        }),
      )
    } catch (failure) {
      error.textContent = `${message(failure)}. Choose the file again to retry.`
    }
  }
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
      job.status === 'interrupted'
        ? h(
            'p',
            {},
            'The server running this import stopped. The batches it committed stay in the catalog; resume to import the rest of the file.',
          )
        : null,
      resume,
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
      again,
      error,
      h(
        'p',
        {},
        h('a', { href: '#/import' }, 'Import another file'),
        ' · ',
        h('a', { href: '#/products' }, 'See the products'),
      ),
    ),
    readingSection(job),
  )
}
