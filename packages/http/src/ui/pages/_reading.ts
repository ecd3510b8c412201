import { h } from '../_dom.js'
import { FIELDS, type MappingJson } from './_mapping.js'

/** How a job read its file, as the job JSON says it. */
export interface ReadingJson {
  platform: string | null
  /** The header each field is read from; null until the header is read. */
  mapping: Record<string, string> | null
  warnings: { code: string; message: string; columns?: string[] }[]
  remembered_mapping: { header_signature: string; mapping: MappingJson } | null
}

/**
 * "How the file is read": the platform, the column each field comes from, the remembered
 * mapping when one was applied (a mapping saved by someone else would otherwise act unseen),
 * and the import's warnings. Nothing before the job has read the header.
 */
export function readingSection(job: ReadingJson): HTMLElement | null {
  if (!job.mapping) return null
  const mapping = job.mapping
  const remembered = job.remembered_mapping
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'reading-title', id: 'reading' },
    h('h2', { id: 'reading-title' }, 'How the file is read'),
    h(
      'p',
      {},
      `Read as ${job.platform ?? 'generic'}. `,
      remembered
        ? h(
            'span',
            { id: 'reading-remembered' },
            'The mapping remembered for files with these columns is applied (header signature ',
            h('code', {}, remembered.header_signature),
            ').',
          )
        : null,
    ),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Mapping applied' },
      h(
        'table',
        { id: 'reading-mapping' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Field', 'Read from column'].map((label) => h('th', { scope: 'col' }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          FIELDS.map(([field, label]) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, label),
              h('td', {}, mapping[field] ?? 'not imported'),
            ),
          ),
        ),
      ),
    ),
    job.warnings.length > 0
      ? h(
          'ul',
          { id: 'reading-warnings', 'aria-label': 'Warnings' },
          job.warnings.map((warning) => h('li', {}, warning.message)),
        )
      : null,
  )
}
