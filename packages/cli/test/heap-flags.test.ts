import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

// The bin npm links, so the test starts the CLI the way `npx product-importer` does.
const BIN = resolve(import.meta.dirname, '../bin/product-importer.js')
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Starts `serve` and resolves once it listens. */
async function serve(nodeOptions: string): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'product-importer-heap-'))
  dirs.push(dir)
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', 'p.db'], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_URL: '',
      PRODUCT_IMPORTER_TOKEN: '',
      NODE_OPTIONS: nodeOptions,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (c) => (output += c))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 15_000)
    child.stdout!.on('data', (c) => {
      output += c
      if (output.includes('listening on')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  return child
}

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
const children = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  return exited
}

// The process table is read from /proc, so this runs where it exists.
describe.runIf(process.platform === 'linux')('the CLI heap settings', () => {
  it('runs the command in a child node with the heap flags when none are given', async () => {
    const launcher = await serve('')
    try {
      const [childPid] = children(launcher.pid!)
      expect(childPid).toBeDefined()
      const args = cmdline(Number(childPid))
      expect(args).toContain('--max-old-space-size=512')
      expect(args).toContain('--max-semi-space-size=4')
      expect(args).toContain('serve')
    } finally {
      // SIGTERM to the launcher reaches the server, which stops cleanly.
      expect(await stop(launcher)).toBe(0)
    }
  })

  it('stops the relaunched server when the launcher is killed with SIGKILL', async () => {
    const launcher = await serve('')
    const server = Number(children(launcher.pid!)[0])
    const exited = new Promise((resolve) => launcher.once('exit', resolve))
    launcher.kill('SIGKILL')
    await exited
    // The server notices its launcher is gone and stops; a bounded wait for its pid to go.
    let running = true
    for (let tries = 0; tries < 100 && running; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      running =
        existsSync(`/proc/${server}`) &&
        !readFileSync(`/proc/${server}/stat`, 'utf8').includes(') Z ')
    }
    expect(running).toBe(false)
  })

  it('runs the command in place when NODE_OPTIONS already sets a heap size', async () => {
    const server = await serve('--max-old-space-size=300')
    try {
      expect(children(server.pid!)).toEqual([])
      expect(cmdline(server.pid!)).toContain('serve')
    } finally {
      expect(await stop(server)).toBe(0)
    }
  })
})
