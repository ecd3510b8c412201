import { gzipSync } from 'node:zlib'
import { importProducts, inspectProducts } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { zipOf } from './_zip.js'
import { tempImporter } from './helpers.js'

// A sheet's XML, random enough that its deflated bytes are no valid UTF-8.
const sheet = `<?xml version="1.0"?><sheetData>${Array.from(
  { length: 3000 },
  (_, i) => `<c r="A${i}"><v>${(i * 7919) % 100_003}</v></c>`,
).join('')}</sheetData>`
const FILES = {
  xlsx: {
    bytes: zipOf('xl/worksheets/sheet1.xml', sheet),
    message: 'the file is a ZIP archive (an .xlsx workbook?), not CSV text; save it as CSV',
  },
  gzip: {
    bytes: gzipSync(Buffer.from(`sku,name\n${'A-1,Lamp\n'.repeat(500)}`)),
    message: 'the file is gzip-compressed, not CSV text; decompress it (gunzip) and send the CSV',
  },
}

/** `bytes` in chunks of `size`, so that the file's start arrives split. */
async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

describe('a file that is no CSV text is named for what it is, on every path', () => {
  for (const [kind, { bytes, message }] of Object.entries(FILES)) {
    it(`refuses a ${kind} file with the same message on import (any encoding) and inspect`, async () => {
      const importer = await tempImporter()
      for (const chunkSize of [1, 3, 65_536]) {
        for (const encoding of ['utf-8', 'windows-1252'] as const) {
          await expect(
            importProducts(chunked(bytes, chunkSize), {
              storage: importer.storage,
              encoding,
            }).result(),
          ).rejects.toMatchObject({ code: 'MALFORMED_CSV', message })
        }
        await expect(inspectProducts(chunked(bytes, chunkSize))).rejects.toMatchObject({
          code: 'MALFORMED_CSV',
          message,
        })
      }
      expect(await importer.products.count()).toBe(0)
    })
  }
})
