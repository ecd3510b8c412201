// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temp directory, listen on
// 127.0.0.1 on a free port, remove everything on stop. Plain JS so that vitest's global setup and
// `bench/pg.mjs` share it without a build step.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'

/** Where Debian and Ubuntu put the PostgreSQL 15 server binaries. */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

/** PostgreSQL refuses to run as root: the unprivileged user that runs it then. */
const SERVICE_USER = 'pgtest'

/** True when the server binaries are installed. */
export function hasPostgres() {
  return existsSync(join(PG_BIN, 'postgres')) && existsSync(join(PG_BIN, 'initdb'))
}

/** A port on 127.0.0.1 that nothing listens on (for now). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** The uid/gid to run the server as: the current user, or a service user when running as root. */
function serviceIds() {
  if (process.getuid?.() !== 0) return {}
  try {
    execFileSync('id', ['-u', SERVICE_USER], { stdio: 'ignore' })
  } catch {
    execFileSync('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SERVICE_USER,
    ])
  }
  const id = (flag) => Number(execFileSync('id', [flag, SERVICE_USER], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}

/**
 * Starts a fresh server and creates `database`. Resolves with its URL, `restart()` and `stop()`.
 * `durable: false` (the default, for tests) turns fsync off. `port` (default: a free one) lets a
 * test start a server where a client already waits for one.
 *
 * @param {{ database?: string, durable?: boolean, port?: number, settings?: Record<string, string>, timeoutMs?: number, onLog?: (text: string) => void }} [options]
 */
export async function startPostgres(options = {}) {
  const {
    database = 'product_importer',
    durable = false,
    settings = {},
    timeoutMs = 20_000,
  } = options
  if (!hasPostgres()) {
    throw new Error(
      `PostgreSQL server binaries not found in ${PG_BIN} (run .ci/pg.sh to install them)`,
    )
  }
  const ids = serviceIds()
  const dir = mkdtempSync(join(tmpdir(), 'product-importer-pg-'))
  const data = join(dir, 'data')
  if (ids.uid !== undefined) execFileSync('chown', [`${ids.uid}:${ids.gid}`, dir])
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' }
  let child
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  try {
    execFileSync(
      join(PG_BIN, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { ...ids, env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    )
    const port = options.port ?? (await freePort())
    const config = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: dir,
      max_connections: '100',
      ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
      ...settings,
    }
    const args = ['-D', data, ...Object.entries(config).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
    let log = ''
    let exited
    // A test run or benchmark that ends without stop() must not leave a server behind.
    const onExit = () => {
      child.kill('SIGKILL')
      cleanup()
    }
    const launch = () => {
      child = spawn(join(PG_BIN, 'postgres'), args, {
        ...ids,
        env,
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      child.stderr.on('data', (chunk) => {
        log = (log + chunk).slice(-4000)
        options.onLog?.(String(chunk))
      })
      exited = once(child, 'exit')
    }
    // Stops as `pg_ctl stop -m fast` does: every session ends, with the transactions in flight.
    const stopFast = async () => {
      if (child.exitCode !== null) return
      child.kill('SIGINT')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    launch()
    process.once('exit', onExit)
    const base = `postgres://postgres@127.0.0.1:${port}`
    /** Resolves once the server accepts connections, running `query` on its first one. */
    const accepting = async (query) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if (child.exitCode !== null) throw new Error(`postgres exited at startup:\n${log}`)
        const client = new pg.Client({
          connectionString: `${base}/postgres`,
          connectionTimeoutMillis: 1000,
        })
        try {
          await client.connect()
          await client.query(query)
          return
        } catch (error) {
          if (Date.now() > deadline)
            throw new Error(`postgres did not start in ${timeoutMs} ms:\n${log}`, { cause: error })
          await sleep(50)
        } finally {
          await client.end().catch(() => {})
        }
      }
    }
    await accepting(`CREATE DATABASE ${database}`)
    return {
      url: `${base}/${database}`,
      /** URL of another database on the same server. */
      urlOf: (name) => `${base}/${name}`,
      port,
      /**
       * Restarts the server as `pg_ctl restart -m fast` does: a fast shutdown (every session
       * ends, transactions in flight roll back), then a start on the same data and port, after
       * `downMs` (default 0) of outage. Resolves with the milliseconds it was away, once it
       * accepts connections again.
       *
       * @param {{ downMs?: number }} [options]
       */
      async restart({ downMs = 0 } = {}) {
        const started = Date.now()
        await stopFast()
        if (downMs > 0) await sleep(downMs)
        launch()
        await accepting('select 1')
        return Date.now() - started
      },
      async stop() {
        process.off('exit', onExit)
        await stopFast()
        cleanup()
      },
    }
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    cleanup()
    throw error
  }
}
