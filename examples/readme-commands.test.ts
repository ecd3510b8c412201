import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, inject, it } from 'vitest'

// Every example runs with the commands its README prints, from a fresh directory laid out like
// this repository's root (examples/ and node_modules/ linked in), so the files they write land in
// a temporary directory and a command that the README gets wrong fails here.

const ROOT = join(import.meta.dirname, '..')
const PG_URL = inject('pgTestUrl') || process.env.PG_TEST_URL || ''
/** Setup steps of the READMEs that this test does itself (the build) or differently (createdb). */
const SETUP = /^(npm install|npm run build|createdb|psql)\b/

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Readme {
  /** The lines of its `sh` blocks, comments removed, setup steps left out. */
  commands: string[]
  /** The block right after the first `sh` block when it has no language: the output shown. */
  output: string[]
}

function readme(example: string): Readme {
  const text = readFileSync(join(ROOT, 'examples', example, 'README.md'), 'utf8')
  const blocks = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    lines: m[2]!.split('\n').filter(Boolean),
  }))
  const commands = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.lines.map((line) => line.replace(/\s+#.*$/, '').trim()))
    .filter((line) => line && !SETUP.test(line))
  const first = blocks.findIndex((b) => b.lang === 'sh')
  const next = blocks[first + 1]
  return { commands, output: next && next.lang === '' ? next.lines : [] }
}

/** The shown output lines that do not depend on timing: rates and in-between states vary. */
function stableLines(output: string[]): string[] {
  return output.filter(
    (line) => line !== '  ...' && !/rows\/s|^(\[instance B\] )?(pending|running)\b/.test(line),
  )
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'example-readme-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

function sh(
  command: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], {
      cwd,
      env: {
        ...process.env,
        ...env,
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts a long-running documented command and resolves once it says where it listens. */
async function serve(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  const child: ChildProcess = spawn('sh', ['-c', `exec ${command}`], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening: ${out}`)), 15_000)
    child.stdout!.on('data', (chunk) => {
      out += chunk
      if (/listening on http/.test(out)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)))
  })
}

async function waitForJob(origin: string, progressUrl: string): Promise<string> {
  let status = ''
  for (let i = 0; i < 200 && !['completed', 'failed'].includes(status); i++) {
    if (i) await new Promise((r) => setTimeout(r, 25))
    status = ((await (await fetch(origin + progressUrl)).json()) as { status: string }).status
  }
  return status
}

describe('the examples, run as their READMEs say', () => {
  it('covers every example', () => {
    const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
    for (const example of examples) expect(readme(example).commands, example).not.toEqual([])
    expect(examples.sort()).toEqual(Object.keys(RUNS).sort())
  })

  const RUNS: Record<string, () => Promise<void>> = {
    'sdk-script': async () => {
      const dir = workspace()
      const { commands, output } = readme('sdk-script')
      expect(commands).toHaveLength(1)
      const result = await sh(commands[0]!, dir)
      expect(result).toMatchObject({ code: 0, stderr: '' })
      for (const line of stableLines(output)) expect(result.stdout).toContain(line)
      expect(readdirSync(dir)).toContain('shop.db')
    },

    'node-http': async () => {
      await runServerExample('node-http', '/catalog')
    },

    express: async () => {
      await runServerExample('express', '/admin/products')
    },

    fastify: async () => {
      await runServerExample('fastify', '/catalog')
    },

    hono: async () => {
      await runServerExample('hono', '/catalog')
    },

    h3: async () => {
      await runServerExample('h3', '/catalog')
    },

    postgres: async () => {
      if (!PG_URL) return
      const database = `readme_${randomBytes(6).toString('hex')}`
      const admin = new pg.Client(PG_URL)
      await admin.connect()
      await admin.query(`create database ${database}`)
      cleanups.push(async () => {
        await admin.query(`drop database ${database} with (force)`)
        await admin.end()
      })
      const url = new URL(PG_URL)
      url.pathname = `/${database}`
      const dir = workspace()
      const { commands, output } = readme('postgres')
      expect(commands).toHaveLength(2)
      const [script, cli] = commands.map((c) =>
        c.replaceAll('postgres://127.0.0.1/shop', url.toString()),
      )
      const first = await sh(script!, dir)
      expect(first).toMatchObject({ code: 0, stderr: '' })
      for (const line of stableLines(output)) expect(first.stdout).toContain(line)
      // The CLI line imports the same file again: every valid row is unchanged.
      const again = await sh(cli!, dir)
      expect(again.code).toBe(0)
      expect(again.stdout).toMatch(/created 0, updated 0, unchanged 12, invalid 1/)
    },
  }

  async function runServerExample(example: string, prefix: string): Promise<void> {
    const dir = workspace()
    const { commands } = readme(example)
    const [server, upload, list, ...rest] = commands
    expect(rest).toEqual([])
    expect(server).toMatch(/^node examples\/\S+\/server\.mjs$/)
    const port = await freePort()
    await serve(server!, dir, { PORT: String(port), DB: join(dir, 'products.db') })
    const origin = `http://127.0.0.1:${port}`
    const at = (command: string) => command.replace('http://127.0.0.1:3000', origin)

    const uploaded = await sh(at(upload!), dir)
    expect(uploaded.code).toBe(0)
    const job = JSON.parse(uploaded.stdout) as { progress_url: string }
    expect(job.progress_url.startsWith(`${prefix}/api/import/progress/`)).toBe(true)
    expect(await waitForJob(origin, job.progress_url)).toBe('completed')

    const listed = await sh(at(list!), dir)
    expect(listed.code).toBe(0)
    const page = JSON.parse(listed.stdout) as { total: number; items: { sku: string }[] }
    expect(page.total).toBe(12)
    expect(page.items.map((p) => p.sku)).toContain('SKU-0000011-109')
    await checkMount(origin, prefix)
  }

  /** What every mount form must give: see docs/embedding.md, "Mounting". */
  async function checkMount(origin: string, prefix: string): Promise<void> {
    // The page's URLs are relative to its folder. Where the app sees the path as sent it
    // redirects to the slash; where the host cut the prefix off (Hono's and h3's mount) it
    // links its assets under the prefix, and its script adds the slash.
    const bare = await fetch(`${origin}${prefix}`, { redirect: 'manual' })
    if (bare.status === 308) {
      expect(bare.headers.get('location')).toBe(`./${prefix.split('/').pop()}/`)
    } else {
      expect(bare.status).toBe(200)
      const html = await bare.text()
      expect(html).toContain(`src="${prefix}/ui/app.js"`)
      expect(html).toContain(`href="${prefix}/ui/app.css"`)
    }
    const page = await fetch(`${origin}${prefix}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toMatch(new RegExp(`src="(${prefix}/)?ui/app\\.js"`))
    expect((await fetch(`${origin}${prefix}/ui/app.js`)).status).toBe(200)

    // The API's own errors and headers, not the host's.
    const missing = await fetch(`${origin}${prefix}/api/nope`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-frame-options')).toBe('DENY')
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      'ROUTE_NOT_FOUND',
    )

    // A JSON body reaches the importer unread (Fastify parses bodies by default).
    const created = await fetch(`${origin}${prefix}/api/products/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'MOUNT-1', name: 'Mounted', price: '1.50' }),
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toMatch(new RegExp(`^${prefix}/api/products/`))
  }

  for (const [example, run] of Object.entries(RUNS)) {
    it.skipIf(example === 'postgres' && !PG_URL)(example, run)
  }
})
