// `product-importer serve` on a fresh SQLite database, started the way `npm start` starts it,
// for the benchmarks that measure the server as a process (http.mjs, bulk-during-import.mjs).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { START_FLAGS } from './node-flags.mjs'

const CLI = join(resolve(import.meta.dirname, '..'), 'packages/cli/dist/cli.js')

/**
 * Starts `product-importer serve` on a fresh database the way `npm start` does; resolves with
 * its origin and pid.
 */
export async function startServer(prefix = 'bench-serve-') {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const child = spawn(
    process.execPath,
    [...START_FLAGS, CLI, 'serve', '--db', join(dir, 'bench.db'), '--port', '0'],
    {
      env: { ...process.env, DATABASE_URL: '', PRODUCT_IMPORTER_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  const origin = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1])
    })
    child.once('exit', () => reject(new Error(`server exited: ${out}`)))
  })
  return {
    origin,
    pid: child.pid,
    /** Peak resident memory of the server process so far, in MiB (Linux VmHWM). */
    peakRssMiB: () =>
      Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024,
    async stop() {
      child.kill('SIGTERM')
      await once(child, 'exit')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
