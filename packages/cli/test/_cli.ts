import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach } from 'vitest'

/** The built CLI, as the package's bin runs it. */
export const CLI = resolve(import.meta.dirname, '../dist/cli.js')

const run = promisify(execFile)
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A fresh working directory with these files in it, removed after the test. */
export function workdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'product-importer-cli-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/** Runs the CLI in `cwd` on SQLite and resolves with its exit code and output, whatever the code. */
export async function cli(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, DATABASE_URL: '' },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/**
 * Node flags that set the heap, so the CLI runs its command in the spawned process itself
 * instead of relaunching a child with them: a test that kills the process with SIGKILL then
 * kills the process doing the work, as a crash would.
 */
export const IN_PLACE = ['--max-old-space-size=512', '--max-semi-space-size=4']

/** A `product-importer serve` child process, listening. */
export interface Serving {
  child: ChildProcess
  origin: string
  /** What it printed so far, stdout and stderr. */
  output: () => string
}

/** Starts `product-importer serve` in place; resolves with its origin once it listens. */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Serving> {
  const child = spawn(process.execPath, [...IN_PLACE, CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, DATABASE_URL: '', PRODUCT_IMPORTER_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 15_000)
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(`exited early: ${output}`))
    })
  })
  return { child, origin, output: () => output }
}

/**
 * Starts `product-importer import` with `args` (no DATABASE_URL from the environment); resolves
 * once it has named its job, with the job id, for a test that kills it mid-import.
 */
export async function startImport(
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ child: ChildProcess; jobId: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [...IN_PLACE, CLI, 'import', ...args], {
    ...options,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = once(child, 'exit')
  let output = ''
  const jobId = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk) => {
      output += chunk
      const found = /import job ([0-9a-f-]{36})/.exec(output)
      if (found) resolve(found[1]!)
    })
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}) first:\n${output}`)))
  })
  return { child, jobId, exited }
}
