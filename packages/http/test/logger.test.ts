import { createProductImporter, type Logger } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { jsonInit } from './_server.js'

describe('the logger option', () => {
  it('hears a request that ended in a 500, with its method and path', async () => {
    const errors: { details: object; message: string | undefined }[] = []
    const ignore = () => {}
    const logger: Logger = {
      info: ignore,
      warn: ignore,
      error: (details, message) => errors.push({ details, message }),
    }
    const importer = createProductImporter({ storage: sqliteStorage({ filename: ':memory:' }) })
    const app = express()
    app.use(express.json()) // drains the body first: a 500 BODY_CONSUMED
    app.use('/p', toNodeHandler(createImporterApp(importer, { basePath: '/p', logger })))
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as { port: number }
      const res = await fetch(
        `http://127.0.0.1:${port}/p/api/products/`,
        jsonInit('POST', { sku: 'A', name: 'A' }),
      )
      expect(res.status).toBe(500)
      expect(errors).toEqual([
        {
          details: {
            err: expect.objectContaining({
              cause: expect.objectContaining({ code: 'BODY_CONSUMED' }),
            }),
            method: 'POST',
            path: '/api/products/',
          },
          message: 'product-importer: unexpected error',
        },
      ])
    } finally {
      server.closeAllConnections()
      server.close()
      await importer.close()
    }
  })
})
