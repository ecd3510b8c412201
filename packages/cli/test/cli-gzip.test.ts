import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { cli, workdir } from './_cli.js'

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? ''

/** A shop export with what a reader can get wrong: quoted line ends, commas, multi-byte text. */
function exportCsv(rows: number): string {
  let text = 'sku,name,description,price,quantity\n'
  for (let i = 0; i < rows; i++) {
    text += `GZ-${i},Lampe Nº ${i} – grün,"Zeile eins, mit Komma\nZeile zwei ""zitiert"" ✓",${(i % 500) + 0.99},${i % 70}\n`
  }
  return text
}

describe('product-importer on a gzip-compressed file', () => {
  it('imports and inspects a .csv.gz exactly as the CSV inside it', async () => {
    // Small enough that its export fits the output a test reads (1 MB).
    const csv = exportCsv(5000)
    const dir = workdir({ 'feed.csv': csv })
    writeFileSync(join(dir, 'feed.csv.gz'), gzipSync(csv))

    const plain = await cli(['import', 'feed.csv', '--db', 'plain.db', '--json'], dir)
    const gzipped = await cli(['import', 'feed.csv.gz', '--db', 'gz.db', '--json'], dir)
    expect(gzipped.code, gzipped.stderr).toBe(0)
    const counts = (run: { stdout: string }) => {
      const { status, rows, created, updated, invalid, duplicatesInFile } = JSON.parse(
        lastLine(run.stdout),
      )
      return { status, rows, created, updated, invalid, duplicatesInFile }
    }
    expect(counts(gzipped)).toEqual(counts(plain))
    expect(counts(gzipped)).toMatchObject({ status: 'completed', rows: 5000, created: 5000 })
    const exported = await cli(['export', '--db', 'gz.db'], dir)
    expect(exported.code).toBe(0)
    expect(exported.stdout.match(/^GZ-/gm)).toHaveLength(5000)
    expect(exported.stdout).toBe((await cli(['export', '--db', 'plain.db'], dir)).stdout)

    const inspected = await cli(['inspect', 'feed.csv.gz', '--json', '--rows', '3'], dir)
    expect(inspected.code, inspected.stderr).toBe(0)
    expect(JSON.parse(inspected.stdout)).toEqual(
      JSON.parse((await cli(['inspect', 'feed.csv', '--json', '--rows', '3'], dir)).stdout),
    )
  })

  it('refuses a file whose gzip trailer says it expands past the limit, before any job', async () => {
    // 8 MiB of zeros in about 8 KB.
    const dir = workdir()
    writeFileSync(join(dir, 'bomb.csv.gz'), gzipSync(Buffer.alloc(8 << 20)))
    const message =
      'error: SOURCE_FAILED: bomb.csv.gz decompresses to more than 1048576 bytes, the most a compressed file may expand to; if it is a real export, raise the limit with --max-decoded-bytes'
    for (const command of ['import', 'inspect']) {
      const run = await cli([command, 'bomb.csv.gz', '--max-decoded-bytes', '1048576'], dir)
      expect({ command, code: run.code }).toEqual({ command, code: 1 })
      expect(run.stderr).toContain(message)
      expect(run.stderr).not.toContain('import job')
    }
  })

  it('stops reading once what it decompresses passes the limit, whatever its trailer says, keeping whole batches', async () => {
    // Several gzip members back to back: the trailer names only the last, small one.
    const dir = workdir()
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `GZ-${from + i},Lamp ${from + i}\n`).join('')
    const members = [gzipSync(`sku,name\n${rows(0, 1000)}`)]
    for (let m = 1; m <= 40; m++) members.push(gzipSync(rows(m * 100_000, 10_000)))
    members.push(gzipSync(rows(9_000_000, 1)))
    writeFileSync(join(dir, 'many.csv.gz'), Buffer.concat(members))

    const run = await cli(
      [
        'import',
        'many.csv.gz',
        '--db',
        'shop.db',
        '--max-decoded-bytes',
        '2097152',
        '--batch-size',
        '5000',
        '--json',
      ],
      dir,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'error: SOURCE_FAILED: many.csv.gz decompresses to more than 2097152 bytes',
    )
    const summary = JSON.parse(lastLine(run.stdout))
    expect(summary.status).toBe('failed')
    // Whole batches of the first 2 MiB only, counted in the file itself.
    const db = new Database(join(dir, 'shop.db'), { readonly: true })
    const { n } = db.prepare('select count(*) as n from products').get() as { n: number }
    db.close()
    expect({ n, whole: n % 5000 }).toEqual({ n: summary.created, whole: 0 })
    expect(n).toBeGreaterThan(0)
    expect(n).toBeLessThan(2_097_152 / 10)
  })

  it('says a file that starts like gzip but is broken cannot be decompressed', async () => {
    const dir = workdir()
    const broken = gzipSync(exportCsv(2000)).subarray(0, 5000)
    writeFileSync(join(dir, 'cut.csv.gz'), broken)
    const run = await cli(['import', 'cut.csv.gz', '--db', 'shop.db'], dir)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /error: SOURCE_FAILED: cut\.csv\.gz is gzip-compressed but cannot be decompressed \(unexpected end of file\)/,
    )
  })
})
