import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { zipOf } from '../../core/test/_zip.js'
import { cli, workdir } from './_cli.js'

const workbook = zipOf(
  'xl/worksheets/sheet1.xml',
  `<sheetData>${Array.from({ length: 2000 }, (_, i) => `<v>${(i * 7919) % 10_007}</v>`).join('')}</sheetData>`,
)

describe('product-importer on a file that is no CSV', () => {
  it('says an .xlsx workbook is a ZIP archive on import as on inspect, exiting 1', async () => {
    const dir = workdir()
    writeFileSync(join(dir, 'products.xlsx'), workbook)
    const message = 'the file is a ZIP archive (an .xlsx workbook?), not CSV text; save it as CSV'
    for (const args of [
      ['import', 'products.xlsx'],
      ['import', 'products.xlsx', '--encoding', 'windows-1252'],
      ['inspect', 'products.xlsx'],
    ]) {
      const run = await cli(args, dir)
      expect({ args, code: run.code }).toEqual({ args, code: 1 })
      expect(run.stderr).toContain(`error: MALFORMED_CSV: ${message}`)
      expect(run.stderr).not.toMatch(/INVALID_ENCODING|windows-1252"/)
    }
  })

  it('says how to raise the limit for a header line over it, naming no quote', async () => {
    const wide = Array.from({ length: 60_000 }, (_, i) => `extra_column_${i}`).join(',')
    const dir = workdir({ 'wide.csv': `sku,name,${wide}\nA-1,Lamp${','.repeat(60_000)}\n` })
    const refused = await cli(['import', 'wide.csv'], dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      'error: MALFORMED_CSV: the header line is longer than 1048576 bytes, the most one line may hold; raise the limit with the maxRecordBytes option (--max-record-bytes) (line 1)',
    )
    expect(refused.stderr).not.toContain('quote')
  })

  it('reads a record over the default limit with --max-record-bytes raised', async () => {
    const dir = workdir({ 'notes.csv': `sku,name,notes\nA-1,Lamp,${'n'.repeat(1_500_000)}\n` })
    const skipped = await cli(['import', 'notes.csv', '--json'], dir)
    expect(skipped.code).toBe(3) // the one row is skipped as too large
    const raised = await cli(
      ['import', 'notes.csv', '--max-record-bytes', '4194304', '--json'],
      dir,
    )
    expect(raised.code).toBe(0)
    expect(JSON.parse(raised.stdout.trim().split('\n').at(-1)!)).toMatchObject({ created: 1 })
    const wrong = await cli(['import', 'notes.csv', '--max-record-bytes', '10'], dir)
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain(
      '--max-record-bytes must be a whole number from 1024 to 67108864',
    )
  })
})
