import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createProductImporter } from '@product-importer/core'
import type { Command } from './run.js'
import { openStorage, storageOptions } from './storage.js'

export const exportCommand: Command = {
  summary:
    'Write every product as CSV (one column per product field, sku first), streamed; importing it gives back the same products.',
  usage: 'product-importer export [--db file | --database-url url] [--out file.csv] [--safe]',
  options: { ...storageOptions, out: { type: 'string', short: 'o' }, safe: { type: 'boolean' } },
  async run({ values }) {
    // Deliveries waiting in the outbox are for `serve` to send, with its allowed webhook hosts.
    const importer = createProductImporter({
      storage: await openStorage(values),
      webhooks: { dispatch: 'manual' },
    })
    try {
      const csv = importer.products.exportCsv({}, { neutralizeFormulas: Boolean(values.safe) })
      const out = values.out ? createWriteStream(values.out as string) : process.stdout
      await pipeline(Readable.from(csv), out, { end: Boolean(values.out) })
    } finally {
      await importer.close()
    }
    return 0
  },
}
