import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain JS module shared with bench/pg.mjs
import { freePort, startPostgres } from '../../../test/pg-server.mjs'
import { PG_URL } from '../../storage-pg/test/_pg.js'
import { CLI, IN_PLACE } from './_cli.js'

/** `product-importer serve` on PostgreSQL at `url`, whatever it prints, listening or not. */
function serveOn(url: string) {
  const child = spawn(
    process.execPath,
    [...IN_PLACE, CLI, 'serve', '--port', '0', '--database-url', url],
    {
      env: { ...process.env, DATABASE_URL: '', PRODUCT_IMPORTER_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  return { child, output: () => output }
}

/** Waits (bounded, 30 s) until `pattern` is in what the child printed; fails if it exits first. */
async function printed(s: { child: ChildProcess; output: () => string }, pattern: RegExp) {
  for (let i = 0; i < 600; i++) {
    const match = pattern.exec(s.output())
    if (match) return match
    if (s.child.exitCode !== null) break
    await sleep(50)
  }
  throw new Error(`never printed ${pattern} (exit ${s.child.exitCode}):\n${s.output()}`)
}

async function exitCode(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null) return child.exitCode
  const exited = once(child, 'exit')
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  const [code] = await exited
  clearTimeout(timer)
  return code as number | null
}

describe.skipIf(!PG_URL)('product-importer serve while PostgreSQL is down', () => {
  it('waits for the database, one line an attempt, and serves as soon as it answers', async () => {
    const port: number = await freePort()
    // The maintenance database exists as soon as the server accepts connections; the one
    // startPostgres creates comes a moment later, and a missing database is no outage.
    const s = serveOn(`postgres://postgres@127.0.0.1:${port}/postgres`)
    let server: { stop(): Promise<void> } | undefined
    try {
      // Two attempts: it did not exit after the first failure.
      await printed(s, /attempt 2\)/)
      expect(s.child.exitCode).toBeNull()
      const waits = s
        .output()
        .split('\n')
        .filter((line) => line.includes('waiting for the database'))
      expect(waits[0]).toMatch(
        /^waiting for the database \(attempt 1\): PostgreSQL migration failed: connect ECONNREFUSED .*; next attempt in 0\.5 s$/,
      )
      expect(waits[1]).toMatch(/next attempt in 1 s$/)
      expect(s.output()).not.toMatch(/^\s+at /m)

      server = await startPostgres({ port })
      const [, origin] = await printed(s, /listening on (http:\/\/\S+)/)
      const health = await fetch(`${origin}/healthz`)
      expect(health.status).toBe(200)
      const products = await fetch(`${origin}/api/products/`)
      expect(products.status).toBe(200)
      expect(await products.json()).toMatchObject({ total: 0 })
      expect((await fetch(`${origin}/readyz`)).status).toBe(200)
      expect(await exitCode(s.child)).toBe(0)
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL')
      await server?.stop()
    }
  })

  it('exits with 0 on SIGTERM while it waits for the database', async () => {
    const port: number = await freePort()
    // The maintenance database exists as soon as the server accepts connections; the one
    // startPostgres creates comes a moment later, and a missing database is no outage.
    const s = serveOn(`postgres://postgres@127.0.0.1:${port}/postgres`)
    try {
      await printed(s, /attempt 1\)/)
      expect(await exitCode(s.child)).toBe(0)
      expect(s.output()).toContain('SIGTERM: stopping before the database was reached')
      expect(s.output()).not.toContain('listening')
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL')
    }
  })
})
