import { api, isFailure } from '../_api.js'
import { h, replace } from '../_dom.js'
import { href, navigate } from '../_route.js'
import { FIELDS, type MappingJson } from './_mapping.js'
import { steps } from './_steps.js'

interface InspectionJson {
  platform: string
  encoding: string
  delimiter: string
  columns: { header: string; field: string | null; read_as: string | null; samples: string[] }[]
  remembered_mapping: { mapping: MappingJson } | null
  warnings: { code: string; message: string }[]
}

const DELIMITERS: Record<string, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'vertical bar',
}

/**
 * Step 2: how the staged file's columns map to product fields. Shows the detected platform,
 * encoding and delimiter, each column with sample values and a field to choose ("do not
 * import" included), with the mapping remembered for this header already applied. The choice
 * goes on to the preview in the URL; an unchanged choice sends no mapping, so the server's own
 * reading (and the remembered mapping) applies.
 */
export function mappingStep(root: HTMLElement, uploadId: string, map?: string): undefined {
  const body = h('div', {}, h('p', {}, 'Reading the file…'))
  replace(root, h('h1', {}, 'Map columns'), steps(2), body)
  // Back from the preview with a mapping of one's own: the columns show it again.
  const query = `rows=3${map ? `&mapping=${encodeURIComponent(map)}` : ''}`
  api<InspectionJson>(`api/uploads/${uploadId}/inspect?${query}`, { method: 'POST' }).then(
    (seen) => replace(body, mappingForm(seen, uploadId, map !== undefined)),
    (failure) =>
      replace(
        body,
        h(
          'p',
          { class: 'error', role: 'alert' },
          isFailure(failure) ? failure.message : String(failure),
        ),
        h('a', { href: '#/import' }, 'Choose another file'),
      ),
  )
  return undefined
}

function mappingForm(seen: InspectionJson, uploadId: string, own: boolean): HTMLElement {
  const selects = seen.columns.map((column, i) => {
    const select = h(
      'select',
      { id: `map-${i}`, name: `map-${i}` },
      // A column the platform reads itself is not lost by taking no field here.
      h('option', { value: '' }, column.read_as ? 'Read by the platform' : 'Do not import'),
      FIELDS.map(([field, label]) =>
        h('option', { value: field, selected: column.field === field }, label),
      ),
    )
    return select
  })
  const initial = selects.map((select) => select.value).join('\n')
  const error = h('p', { class: 'error', role: 'alert', id: 'mapping-error' })
  // One line saying what stays out, kept in step with the choices.
  const notImported = h('p', { class: 'note', id: 'not-imported', 'aria-live': 'polite' })
  const sayNotImported = () => {
    const left = seen.columns
      .filter((column, i) => selects[i]!.value === '' && !column.read_as)
      .map((column) => column.header)
    notImported.textContent = notImportedLine(left, seen.columns.length)
  }
  sayNotImported()
  const form = h(
    'form',
    { class: 'card', method: 'post', action: '#', 'aria-labelledby': 'mapping-title' },
    h('h2', { id: 'mapping-title' }, 'Columns of the file'),
    h(
      'dl',
      { class: 'figures', id: 'file-format' },
      h('div', {}, h('dt', {}, 'Platform'), h('dd', {}, seen.platform)),
      h('div', {}, h('dt', {}, 'Encoding'), h('dd', {}, seen.encoding)),
      h(
        'div',
        {},
        h('dt', {}, 'Delimiter'),
        h('dd', {}, DELIMITERS[seen.delimiter] ?? seen.delimiter),
      ),
    ),
    headerWarning(seen),
    seen.remembered_mapping && !own
      ? h(
          'p',
          { class: 'note', id: 'remembered' },
          'The mapping remembered for files with these columns is applied.',
        )
      : null,
    h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Columns' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Column', 'Sample values', 'Imported as'].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          seen.columns.map((column, i) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row', id: `column-${i}` }, column.header),
              h('td', {}, column.samples.join(' · ')),
              h(
                'td',
                {},
                h(
                  'label',
                  { for: `map-${i}`, class: 'visually-hidden' },
                  `Field of ${column.header}`,
                ),
                selects[i],
                column.read_as && column.field === null
                  ? h('div', { class: 'read-as' }, `${seen.platform}: ${column.read_as}`)
                  : null,
              ),
            ),
          ),
        ),
      ),
    ),
    notImported,
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'to-preview' }, 'Preview'),
      h('a', { href: '#/import', class: 'button' }, 'Choose another file'),
    ),
  )
  form.addEventListener('change', () => {
    error.textContent = ''
    sayNotImported()
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const chosen = new Map<string, string>()
    for (const [i, select] of selects.entries()) {
      const field = select.value
      if (!field) continue
      const header = seen.columns[i]!.header
      const other = chosen.get(field)
      if (other !== undefined) {
        error.textContent = `${labelOf(field)} is chosen for both "${other}" and "${header}": choose one column.`
        select.focus()
        return
      }
      chosen.set(field, header)
    }
    if (!chosen.has('sku') && seen.platform === 'generic') {
      error.textContent = 'Choose the column that holds the SKU.'
      selects[0]?.focus()
      return
    }
    const changed = own || selects.map((select) => select.value).join('\n') !== initial
    // Fields no column was chosen for are turned off, so no alias brings them back.
    const mapping: MappingJson = {}
    for (const [field] of FIELDS) mapping[field] = chosen.get(field) ?? null
    navigate(
      href('/import', {
        upload: uploadId,
        mapped: 1,
        map: changed ? JSON.stringify(mapping) : undefined,
      }),
    )
  })
  return form
}

/** A file whose first row is a product, not column names: the one warning to heed before mapping. */
function headerWarning(seen: InspectionJson): HTMLElement | null {
  const warning = seen.warnings.find((w) => w.code === 'HEADER_LOOKS_LIKE_DATA')
  if (!warning) return null
  const message = warning.message.charAt(0).toUpperCase() + warning.message.slice(1)
  return h('p', { class: 'error', id: 'header-warning' }, `${message}.`)
}

function labelOf(field: string): string {
  return FIELDS.find(([name]) => name === field)?.[1] ?? field
}

/** The line under the mapping: how many columns stay out, naming the first few. */
export function notImportedLine(headers: readonly string[], total: number): string {
  if (headers.length === 0) return `Every column is imported (${total}).`
  const named = headers.slice(0, 6).map((header) => `"${header}"`)
  const more = headers.length > named.length ? ` and ${headers.length - named.length} more` : ''
  return `${headers.length} of ${total} columns will not be imported: ${named.join(', ')}${more}.`
}
