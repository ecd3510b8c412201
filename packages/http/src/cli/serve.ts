import { once } from 'node:events'
import { createServer } from 'node:http'
import { isIP } from 'node:net'
import { createProductImporter } from '@product-importer/core'
import { toNodeHandler } from 'h3/node'
import { createImporterApp } from '../app.js'
import type { Command } from './run.js'
import { openStorage, storageOptions } from './storage.js'

/** How long running imports get to stop at a batch boundary before their uploads are cut. */
const DRAIN_MS = 3_000

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  if (bare === 'localhost') return true
  if (isIP(bare) === 4) return bare.startsWith('127.')
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare)
  return false
}

export const serveCommand: Command = {
  summary: 'Serve the REST API and the web UI over HTTP.',
  usage:
    'product-importer serve [--db file | --database-url url] [--port 3000] [--host 127.0.0.1]\n\n' +
    'Set PRODUCT_IMPORTER_TOKEN to require a Bearer token (needed to listen beyond loopback).',
  options: {
    ...storageOptions,
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  async run({ values }) {
    const host = values.host as string
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`error: --port must be a number from 0 to 65535, got "${values.port}"`)
      return 2
    }
    const token = process.env.PRODUCT_IMPORTER_TOKEN || undefined
    if (!token && !isLoopback(host)) {
      console.error(
        `error: refusing to listen on ${host} without authentication: anyone who can reach it could ` +
          'read and delete every product. Set PRODUCT_IMPORTER_TOKEN to a secret (clients send ' +
          '"Authorization: Bearer <token>"), or listen on 127.0.0.1.',
      )
      return 2
    }
    const importer = createProductImporter({ storage: await openStorage(values) })
    const app = createImporterApp(importer, token ? { auth: { token } } : {})
    const server = createServer(toNodeHandler(app))
    server.listen(port, host)
    await once(server, 'listening')
    const address = server.address()
    const actualPort = typeof address === 'object' && address ? address.port : port
    const shown = host.includes(':') ? `[${host}]` : host
    console.log(
      `product-importer listening on http://${shown}:${actualPort}${token ? ' (token required)' : ''}`,
    )

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    console.log(`${signal}: stopping; running imports are cancelled between batches`)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    // Cancelling lets each import finish its current batch and mark its job. An upload whose
    // client went quiet never reaches a batch boundary: closing its socket fails it instead.
    const stopping = importer.close()
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS)
    force.unref()
    await stopping
    clearTimeout(force)
    server.closeAllConnections()
    await closed
    return 0
  },
}
