import { FIELDS, type ValueField } from '../../../../core/src/product/fields.js'
import { h } from '../_dom.js'

/** One changed field of a dry run's sample, values as the API shows them. */
export interface FieldChangeJson {
  field: ValueField
  before: string | number | boolean | string[] | null
  after: string | number | boolean | string[] | null
}

/** A row of the file that would update a stored product (the job's `change_samples`). */
export interface ChangeSampleJson {
  line: number
  sku: string
  changes: FieldChangeJson[]
}

/** A value in words: an empty text, list or a missing value must still read as something. */
function shown(field: ValueField, value: FieldChangeJson['before']): string {
  if (value === null) return field === 'price' ? 'no price' : '(none)'
  if (value === '') return '(empty)'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(', ')
  return String(value)
}

/**
 * "What will change": one small table per sampled update, captioned with its SKU and line,
 * each changed field a row with its value before and after. Three columns stay readable on a
 * phone, where one wide table of every sample would not.
 */
export function changeSamples(samples: ChangeSampleJson[], updated: number): HTMLElement {
  return h(
    'div',
    { id: 'change-samples' },
    h('h3', {}, 'What will change'),
    h(
      'p',
      { class: 'muted' },
      samples.length < updated
        ? `The first ${samples.length} of the updates, each changed field before and after.`
        : 'Each update, every changed field before and after.',
    ),
    samples.map((sample) =>
      h(
        'table',
        { class: 'changes' },
        h('caption', {}, h('span', { class: 'sku' }, sample.sku), ` · line ${sample.line}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Field', 'Before', 'After'].map((label) => h('th', { scope: 'col' }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          sample.changes.map((change) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, FIELDS[change.field].label),
              h('td', {}, shown(change.field, change.before)),
              h('td', {}, shown(change.field, change.after)),
            ),
          ),
        ),
      ),
    ),
  )
}
