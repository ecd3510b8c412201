import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { expect, it } from 'vitest'
import { type Json, jsonInit, tempDir } from './_server.js'

it('shows imports beyond maxConcurrentImports as pending with their queue_position, then runs them', async () => {
  const importer = createProductImporter({
    storage: sqliteStorage({ filename: join(tempDir(), 'products.db') }),
    maxConcurrentImports: 1,
  })
  const app = createImporterApp(importer, { staging: { dir: tempDir(), ttlMs: 60_000 } })
  const server = createServer(toNodeHandler(app))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const api = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init)
  const progress = async (id: string) =>
    (await (await api(`/api/import/progress/${id}/`)).json()) as Json
  try {
    // The first import holds the only slot: its upload sends a header and one row, then waits.
    const upload = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/import/',
      headers: { 'content-type': 'text/csv' },
    })
    upload.on('error', () => {})
    const answered = new Promise<Json>((resolve) =>
      upload.on('response', (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve(JSON.parse(body)))
      }),
    )
    upload.write('sku,name\nH-1,Held\n')
    let first: Json | undefined
    for (let i = 0; i < 200 && first?.status !== 'running'; i++) {
      first = ((await (await api('/api/import/jobs/')).json()) as Json).items[0]
    }
    expect(first?.status).toBe('running')

    const queued: string[] = []
    for (const sku of ['Q-1', 'Q-2']) {
      const staged = (await (
        await api('/api/uploads/', {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: `sku,name\n${sku},Queued\n`,
        })
      ).json()) as Json
      const job = (await (
        await api('/api/import/', jsonInit('POST', { upload_id: staged.upload_id }))
      ).json()) as Json
      queued.push(job.job_id)
    }
    expect(await progress(queued[0]!)).toMatchObject({ status: 'pending', queue_position: 1 })
    expect(await progress(queued[1]!)).toMatchObject({ status: 'pending', queue_position: 2 })
    expect(await progress(first!.job_id)).toMatchObject({ queue_position: null })

    upload.end()
    expect(await answered).toMatchObject({ status: 'completed', created: 1 })
    for (const id of queued) {
      let job = await progress(id)
      for (let i = 0; i < 400 && job.status !== 'completed'; i++) job = await progress(id)
      expect(job).toMatchObject({ status: 'completed', created: 1, queue_position: null })
    }
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await importer.close()
  }
})
