import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { createProductImporter, type ProductImporter } from '@product-importer/core'
import { createImporterApp, toNodeHandler } from '@product-importer/http'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { openPage, useBrowser } from './_browser.js'
import { type Json, jsonInit, tempDir } from './_server.js'

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function newImporter(): ProductImporter {
  const importer = createProductImporter({
    storage: sqliteStorage({ filename: join(tempDir(), 'products.db') }),
  })
  cleanups.push(() => importer.close())
  return importer
}

describe('mounted in Fastify the usual way, with its body parsers', () => {
  it('says the body was already read instead of failing obscurely', async () => {
    const catalog = toNodeHandler(
      createImporterApp(newImporter(), { basePath: '/catalog', onUnexpectedError: () => {} }),
    )
    const app = Fastify()
    app.all('/catalog/*', (request, reply) => {
      reply.hijack()
      catalog(request.raw, reply.raw)
    })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    cleanups.push(() => app.close())
    const res = await fetch(
      `${address}/catalog/api/products/`,
      jsonInit('POST', { sku: 'A', name: 'A' }),
    )
    expect(res.status).toBe(500)
    const body = (await res.json()) as Json
    expect(body.error.code).toBe('BODY_CONSUMED')
    expect(body.error.message).toContain('Fastify')
  })
})

describe('mounted with a host that cuts the prefix off', () => {
  const browser = useBrowser()

  it("opens the UI at /catalog, without the slash, under Hono's mount", async () => {
    const catalog = createImporterApp(newImporter(), { basePath: '/catalog' })
    const host = new Hono()
    host.mount('/catalog', catalog.fetch)
    const server = serve({ fetch: host.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    const { page, problems } = await openPage(browser())
    await page.goto(`${origin}/catalog`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    // The page added the slash, so its relative links and API calls resolve under /catalog/.
    expect(new URL(page.url()).pathname).toBe('/catalog/')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Products' })
      .click()
    await page.getByRole('heading', { name: /Products/ }).waitFor()
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('opens the UI at /catalog through the redirect where the app sees the whole path', async () => {
    const catalog = toNodeHandler(createImporterApp(newImporter(), { basePath: '/catalog' }))
    const server = createServer(catalog)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const { page, problems } = await openPage(browser())
    await page.goto(`${origin}/catalog#/products`)
    await page.getByRole('heading', { name: /Products/ }).waitFor()
    expect(page.url()).toBe(`${origin}/catalog/#/products`)
    expect(problems).toEqual([])
    await page.context().close()
  })
})
