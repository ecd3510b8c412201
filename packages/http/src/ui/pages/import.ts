import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { bytes, dateTime } from '../_format.js'
import { notify } from '../_notice.js'
import { href, navigate, type Route, stayingOn } from '../_route.js'
import { announce, whileBusy } from '../_status.js'
import { type JobJson, jobList } from './_jobs.js'
import { stageFile, type UploadJson } from './_stage.js'
import { steps } from './_steps.js'
import { mappingStep } from './import-mapping.js'
import { previewStep } from './import-preview.js'

/**
 * Import, step by step: upload the file once (staged on the server), map its columns
 * (`?upload=<id>`), preview what it would change (`&mapped=1`, with `map=<JSON>` when the
 * mapping was changed), then import it; past imports below.
 */
export function importPage(root: HTMLElement, route: Route): undefined | (() => void) {
  const uploadId = route.params.get('upload')
  if (uploadId && (route.params.has('mapped') || route.params.has('preview'))) {
    return previewStep(root, route, uploadId)
  }
  if (uploadId) return mappingStep(root, uploadId, route.params.get('map') ?? undefined)
  replace(root, h('h1', {}, 'Import products'), steps(1), uploadForm(), stagedUploads(), history())
  return undefined
}

function uploadForm(): HTMLElement {
  let file: File | undefined
  const input = h('input', {
    id: 'file',
    type: 'file',
    accept: '.csv,.tsv,.txt,text/csv',
    class: 'visually-hidden',
  })
  const chosen = h('p', { id: 'chosen', class: 'muted' }, 'No file chosen')
  const error = h('p', { class: 'error', role: 'alert' })
  const progress = h('div', { class: 'upload' })
  const start = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Upload')
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
    h(
      'p',
      { class: 'muted' },
      'The file is uploaded once; you see what it would change before anything is written.',
    ),
    input,
    zone,
    chosen,
    progress,
    error,
    start,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const picked = file
    if (!picked) return
    void whileBusy([start], () => upload(picked))
  })
  const upload = async (picked: File) => {
    error.textContent = ''
    const bar = h('progress', { id: 'upload-progress', max: 100, value: 0 })
    const label = h('label', { for: 'upload-progress' }, 'Uploading: 0%')
    replace(progress, label, bar)
    const stillHere = stayingOn()
    try {
      const staged = await stageFile(picked, (loaded, total) => {
        const percent = total ? Math.round((loaded / total) * 100) : 0
        bar.value = percent
        label.textContent = `Uploading: ${percent}%`
      })
      const mapping = href('/import', { upload: staged.upload_id })
      // The next step follows the upload only for a user still waiting for it; one who went
      // elsewhere meanwhile is told, and stays where they are.
      if (stillHere()) navigate(mapping)
      else notify('Upload ready', { href: mapping, label: 'map its columns' }, picked.name)
    } catch (failure) {
      replace(progress)
      error.textContent = isFailure(failure) ? failure.message : String(failure)
      if (!stillHere()) announce(`${picked.name}: ${error.textContent}`)
    }
  }
  return form
}

/** Files uploaded and not imported yet (one finished while its user was elsewhere). */
function stagedUploads(): HTMLElement {
  const section = h('section', { class: 'card', 'aria-labelledby': 'staged-title', hidden: true })
  api<{ items: UploadJson[] }>('api/uploads/').then(
    ({ items }) => {
      if (items.length === 0) return
      replace(
        section,
        h('h2', { id: 'staged-title' }, 'Uploaded, not imported yet'),
        h(
          'ul',
          { id: 'staged-uploads' },
          items.map((upload) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: href('/import', { upload: upload.upload_id }) },
                upload.filename ?? 'An upload',
              ),
              ` · ${bytes(upload.size)} · kept until ${dateTime(upload.expires_at)}`,
            ),
          ),
        ),
      )
      section.hidden = false
    },
    // The list is a convenience: the page works without it.
    () => {},
  )
  return section
}

function history(): HTMLElement {
  const title = () => h('h2', { id: 'history-title' }, 'Past imports')
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    title(),
    h('p', {}, 'Loading…'),
  )
  api<{ items: JobJson[] }>('api/import/jobs/?limit=20').then(
    ({ items }) =>
      replace(section, title(), items.length ? jobList(items) : h('p', {}, 'No import yet.')),
    () => replace(section, title(), h('p', {}, 'Unavailable')),
  )
  return section
}
