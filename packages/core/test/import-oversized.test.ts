import { inspectProducts } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { runImport, tempImporter } from './helpers.js'

const LIMIT = 1 << 20
const HEADER = 'sku,name,description,price\n'

function rows(from: number, count: number, eol = '\n'): string {
  let text = ''
  for (let i = from; i < from + count; i++) text += `S-${i},Name ${i},plain,${i % 100}.50${eol}`
  return text
}

/** Yields `text` in chunks of `size` bytes, as a socket would. */
async function* chunked(text: string | Buffer, size: number): AsyncGenerator<Uint8Array> {
  const all = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  for (let at = 0; at < all.length; at += size) yield all.subarray(at, at + size)
}

describe('importProducts: a record larger than the record size limit', () => {
  it('reports one row error for a 1.1 MB description and imports every other row', async () => {
    const importer = await tempImporter()
    const big = `BIG-1,Big,${'d'.repeat(1_100_000)},1.00\n`
    const text = HEADER + rows(0, 25_000) + big + rows(25_000, 100)
    const { summary, errors } = await runImport(importer, chunked(text, 65_536))
    expect(summary).toMatchObject({ status: 'completed', created: 25_100, invalid: 1 })
    expect(errors).toEqual([
      {
        line: 25_002,
        sku: null,
        column: null,
        value: null,
        message: `the record is larger than ${LIMIT} bytes, the most one row may hold; it was skipped`,
      },
    ])
    expect(await importer.products.count()).toBe(25_100)
    expect(await importer.products.getBySku('BIG-1')).toBeUndefined()
    expect(await importer.products.getBySku('S-25099')).toMatchObject({ price: '99.50' })
  })

  it('skips a quoted oversized record with line ends, delimiters and "" inside, counting its lines', async () => {
    const quoted = `"${'a,b ""c""\r\nline\r\n'.repeat(80_000)}"`
    const newlinesInside = 160_000
    const text = `${HEADER}A-1,Lamp,x,1\r\nBIG-1,Big,${quoted},2\r\nA-2,Mug,y,3\r\nA-3,Chair,z,bad\r\n`
    const results = []
    for (const worker of [true, false]) {
      for (const size of [7, 4096, 1 << 20]) {
        if (size === 7 && worker) continue // byte-sized chunks: inline is enough
        const importer = await tempImporter()
        const { summary, errors } = await runImport(importer, chunked(text, size), { worker })
        const skus = (await importer.products.list({ pageSize: 10 })).items.map((p) => p.sku)
        results.push({ summary: { ...summary, durationMs: 0 }, errors, skus: skus.sort() })
      }
    }
    expect(results[0]!.skus).toEqual(['A-1', 'A-2'])
    expect(results[0]!.errors.map((e) => e.line)).toEqual([3, 5 + newlinesInside])
    expect(results[0]!.errors[1]).toMatchObject({ column: 'price', value: 'bad' })
    for (const result of results) expect(result).toEqual(results[0])
  })

  it('skips a 96 MB record without buffering it', async () => {
    const importer = await tempImporter()
    const piece = Buffer.alloc(1 << 20, 'x')
    const baseline = process.memoryUsage().arrayBuffers
    let peak = 0
    async function* source() {
      yield Buffer.from(`${HEADER}A-1,Lamp,x,1\nBIG-1,Big,"`)
      for (let i = 0; i < 96; i++) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline)
        yield piece
      }
      yield Buffer.from('",1\nA-2,Mug,y,2\n')
    }
    // Inline, so that what the parser holds shows in this process's buffer memory.
    const { summary, errors } = await runImport(importer, source(), { worker: false })
    expect(summary).toMatchObject({ status: 'completed', created: 2, invalid: 1 })
    expect(errors[0]).toMatchObject({ line: 3, message: expect.stringContaining('larger than') })
    expect(peak).toBeLessThan(16 * LIMIT)
  })

  it('does not end an oversized record at a carriage return in a file of LF line ends', async () => {
    const importer = await tempImporter()
    const inside = `${'d'.repeat(LIMIT)}\rX-9,Injected,x,1`
    const text = `${HEADER}A-1,Lamp,x,1\nBIG-1,Big,${inside}\nA-2,Mug,y,2\n`
    const { summary } = await runImport(importer, chunked(text, 65_536))
    expect(summary).toMatchObject({ created: 2, invalid: 1 })
    expect(await importer.products.getBySku('X-9')).toBeUndefined()
  })

  it('ends an oversized record at the carriage return of a file with bare CR line ends', async () => {
    const importer = await tempImporter()
    const text = `${HEADER.trim()}\rA-1,Lamp,x,1\rBIG-1,Big,${'d'.repeat(LIMIT)},1\rA-2,Mug,y,bad\r`
    const { summary, errors } = await runImport(importer, chunked(text, 65_536))
    expect(summary).toMatchObject({ created: 1, invalid: 2 })
    expect(errors.map((e) => e.line)).toEqual([3, 4])
  })

  it('ends the last record of the file at the end of the file', async () => {
    const importer = await tempImporter()
    const text = `${HEADER}A-1,Lamp,x,1\nBIG-1,Big,${'d'.repeat(LIMIT + 10)}`
    const { summary, errors } = await runImport(importer, chunked(text, 65_536))
    expect(summary).toMatchObject({ status: 'completed', created: 1, invalid: 1 })
    expect(errors[0]).toMatchObject({ line: 3 })
  })

  it('still fails on a quote left open to the end of the file, keeping earlier batches', async () => {
    const importer = await tempImporter()
    const text = `${HEADER}${rows(0, 10)}BIG-1,Big,"${'open\n'.repeat(LIMIT / 4)}`
    await expect(
      runImport(importer, chunked(text, 65_536), { batchSize: 5 }),
    ).rejects.toMatchObject({
      code: 'MALFORMED_CSV',
      message: 'a quoted field is never closed (line 12)',
    })
    expect(await importer.products.count()).toBe(10)
  })

  it('says a header line over the limit is too long and how to raise it, naming no quote when none is open', async () => {
    const importer = await tempImporter()
    const text = `${'a'.repeat(10 * LIMIT)}\n${rows(0, 3)}`
    const message = `the header line is longer than ${LIMIT} bytes, the most one line may hold; raise the limit with the maxRecordBytes option (--max-record-bytes) (line 1)`
    await expect(runImport(importer, chunked(text, 65_536))).rejects.toMatchObject({
      code: 'MALFORMED_CSV',
      message,
    })
    await expect(inspectProducts(chunked(text, 65_536))).rejects.toMatchObject({ message })
    expect(await importer.products.count()).toBe(0)
  })

  it('says a quote is never closed when one left open makes the header line too long', async () => {
    const importer = await tempImporter()
    const text = `sku,"name${'a'.repeat(2 * LIMIT)}\n${rows(0, 3)}`
    await expect(runImport(importer, chunked(text, 65_536))).rejects.toMatchObject({
      code: 'MALFORMED_CSV',
      message: `the header line is longer than ${LIMIT} bytes because a quote in it is never closed; close the quote (line 1)`,
    })
  })

  it('reads a header line and a row over the default limit with maxRecordBytes raised', async () => {
    const importer = await tempImporter()
    const wide = Array.from({ length: 60_000 }, (_, i) => `extra_column_${i}`).join(',')
    const text = `sku,name,${wide}\nA-1,Lamp${','.repeat(60_000)}\n`
    expect(text.length).toBeGreaterThan(LIMIT)
    await expect(runImport(importer, chunked(text, 65_536))).rejects.toMatchObject({
      code: 'MALFORMED_CSV',
    })
    const { summary } = await runImport(importer, chunked(text, 65_536), {
      maxRecordBytes: 4 * LIMIT,
    })
    expect(summary).toMatchObject({ status: 'completed', created: 1 })
    await expect(
      runImport(importer, chunked(text, 65_536), { maxRecordBytes: 10 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('1024') })
  })
})
