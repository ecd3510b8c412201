import { once } from 'node:events'
import { createServer } from 'node:http'
import { createProductImporter } from '@product-importer/core'
import { createImporterApp, isLoopback, toNodeHandler } from '@product-importer/http'
import type { Command } from './run.js'
import { createStorage, databaseWaitOf, databaseWaitOption, storageOptions } from './storage.js'
import { migrateWhenReachable } from './wait-for-database.js'

/** How long running imports get to stop at a batch boundary before their uploads are cut. */
const DRAIN_MS = 3_000

export const serveCommand: Command = {
  summary: 'Serve the REST API and the web UI over HTTP.',
  usage:
    'product-importer serve [--db file | --database-url url] [--port 3000] [--host 127.0.0.1]\n' +
    '                       [--allowed-host name ...] [--max-imports n] [--heartbeat-timeout 30]\n' +
    '                       [--allow-webhook-host host ...] [--webhook-lease-ms 60000]\n' +
    '                       [--database-wait 30]\n\n' +
    'Set PRODUCT_IMPORTER_TOKEN to require a Bearer token (needed to listen beyond loopback).\n' +
    'Without a token, only requests for localhost, 127.0.0.1 and [::1] are answered; repeat\n' +
    '--allowed-host to accept other names this machine is reached by. Imports beyond --max-imports\n' +
    '(2 on SQLite, 4 on PostgreSQL) wait their turn; a job whose process stopped beating for\n' +
    '--heartbeat-timeout seconds is marked interrupted, and can be resumed.\n\n' +
    'Webhooks are sent in the background while serving. Their URLs must be public https\n' +
    'addresses; repeat --allow-webhook-host to let them target a host that is not (127.0.0.1,\n' +
    'localhost, 10.1.0.0/16; over http too). 169.254.169.254 stays refused. A delivery in\n' +
    'flight when the server dies is sent again once its lease (--webhook-lease-ms) ends.\n\n' +
    'A database that cannot be reached yet is asked again after 0.5 s, doubling up to 10 s, one\n' +
    'line each; the server listens once it answers. SIGTERM or Ctrl-C meanwhile exits with 0.\n' +
    'An import whose PostgreSQL restarts connects again and goes on; one whose database stays\n' +
    'away for --database-wait seconds fails, and its job says why once the database is back.',
  options: {
    ...storageOptions,
    ...databaseWaitOption.options,
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    'allowed-host': { type: 'string', multiple: true, default: [] },
    'max-imports': { type: 'string' },
    'heartbeat-timeout': { type: 'string' },
    'allow-webhook-host': { type: 'string', multiple: true, default: [] },
    'webhook-lease-ms': { type: 'string' },
  },
  integers: {
    ...databaseWaitOption.integers,
    port: { min: 0, max: 65535 },
    'max-imports': { min: 1, max: 1000 },
    'heartbeat-timeout': { min: 1, max: 86_400 },
    'webhook-lease-ms': { min: 100, max: 24 * 60 * 60 * 1000 },
  },
  async run({ values }) {
    const host = values.host as string
    const port = values.port as number
    const token = process.env.PRODUCT_IMPORTER_TOKEN || undefined
    if (!token && !isLoopback(host)) {
      console.error(
        `error: refusing to listen on ${host} without authentication: anyone who can reach it could ` +
          'read and delete every product. Set PRODUCT_IMPORTER_TOKEN to a secret (clients send ' +
          '"Authorization: Bearer <token>"), or listen on 127.0.0.1.',
      )
      return 2
    }
    const maxImports = values['max-imports'] as number | undefined
    const heartbeatTimeout = values['heartbeat-timeout'] as number | undefined
    const leaseMs = values['webhook-lease-ms'] as number | undefined
    // Listening for signals from the start: a stop while the database is awaited exits cleanly.
    const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
      // `on`, not `once`: a second signal (Ctrl-C reaches the CLI's launcher and this process)
      // must not kill the server while it drains.
      process.on('SIGTERM', () => resolve('SIGTERM'))
      process.on('SIGINT', () => resolve('SIGINT'))
    })
    const storage = await createStorage(values)
    // A database still starting (a container started beside it, a failover) is waited for: the
    // server listens once the schema is migrated, so no request meets a half-made one.
    const waiting = new AbortController()
    void stopSignal.then(() => waiting.abort())
    const migrated = await migrateWhenReachable(storage, {
      signal: waiting.signal,
      log: (line) => console.error(line),
    }).catch(async (error: unknown) => {
      await storage.close().catch(() => {})
      throw error
    })
    if (!migrated) {
      console.log(`${await stopSignal}: stopping before the database was reached`)
      await storage.close()
      return 0
    }
    const importer = createProductImporter({
      storage,
      ...databaseWaitOf(values),
      ...(maxImports === undefined ? {} : { maxConcurrentImports: maxImports }),
      ...(heartbeatTimeout === undefined ? {} : { heartbeatTimeoutMs: heartbeatTimeout * 1000 }),
      webhooks: {
        allowHosts: values['allow-webhook-host'] as string[],
        ...(leaseMs === undefined ? {} : { leaseMs }),
      },
    })
    // The importer's first use starts its webhook dispatcher: deliveries left by an earlier run
    // (one that died mid-send, say) go out now, not on the first request.
    await importer.webhooks.list()
    const app = createImporterApp(importer, {
      ...(token ? { auth: { token } } : {}),
      allowedHosts: values['allowed-host'] as string[],
    })
    const server = createServer(toNodeHandler(app))
    // Listening before the line is printed: whoever reads it may signal at once.
    server.listen(port, host)
    await once(server, 'listening')
    const address = server.address()
    const actualPort = typeof address === 'object' && address ? address.port : port
    const shown = host.includes(':') ? `[${host}]` : host
    console.log(
      `product-importer listening on http://${shown}:${actualPort}${token ? ' (token required)' : ''}`,
    )

    const signal = await stopSignal
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
