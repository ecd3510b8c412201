import { join } from 'node:path'
import { createProductImporter, ImporterError, type Logger } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { describe, expect, it } from 'vitest'
import { closeAfter } from './_receiver.js'
import { tempDir } from './helpers.js'

function recordingLogger() {
  const lines: { level: string; details: object; message: string | undefined }[] = []
  const at = (level: string) => (details: object, message?: string) => {
    lines.push({ level, details, message })
  }
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') }
  return { logger, lines }
}

describe('the logger option', () => {
  it('hears the background dispatcher fail, in place of the console', async () => {
    const storage = sqliteStorage({ filename: join(tempDir(), 'shop.db') })
    const outage = new ImporterError('DATABASE_UNAVAILABLE', 'the database went away')
    storage.claimDeliveries = async () => {
      throw outage
    }
    const { logger, lines } = recordingLogger()
    const importer = createProductImporter({
      storage,
      logger,
      webhooks: { allowHosts: ['127.0.0.1'], pollMs: 20 },
    })
    closeAfter(importer)
    await importer.webhooks.create({ url: 'http://127.0.0.1:9/in' })
    await importer.products.create({ sku: 'A', name: 'Alpha' })
    for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    expect(lines[0]).toEqual({
      level: 'error',
      details: { err: outage },
      message: 'product-importer: webhook dispatcher failed',
    })
  })
})
