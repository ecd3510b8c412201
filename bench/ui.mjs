// The web UI's products page at 500,000 products, in real Chromium.
//   npm run build && node bench/ui.mjs [--reps 20] [--no-write]
// Imports bench/.data/products-500000.csv into a fresh SQLite file through the SDK, serves it with
// `product-importer serve` (the flags of `npm start`), and measures, for each scenario, the time
// until the products table shows its rows and the total: once as a page load (from navigation
// start) and once as the in-app action (from the click or change). The API request alone is
// measured too, from Node and inside the page, so that a slow scenario says whether the server or
// the rendering dominates. Writes the `ui` section of docs/benchmarks.md.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { importProducts } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { chromium } from 'playwright-core'
import { request } from 'undici'
import { writeSection } from './doc-section.mjs'
import { writeProductsFile } from './generate.mjs'
import { START_FLAGS } from './node-flags.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'packages/cli/dist/cli.js')
const ROWS = 500_000
const FILE = join(ROOT, `bench/.data/products-${ROWS}.csv`)
const TARGET_MS = 300

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
  },
})
const REPS = Number(values.reps)
const WARMUP = 3

/**
 * The scenarios: the view's hash, the API query its page sends (and the same as a storage query), and the in-app action that
 * leads there from the first products page (or from `from`), run inside the page as a user's
 * click would be; each action notes its start on the page's clock first.
 */
const SCENARIOS = [
  {
    name: 'first products page',
    hash: '#/products',
    api: 'page=1&page_size=20',
    query: { page: 1 },
    from: '#/products?page=2',
    action: () => {
      window.__t0 = performance.now()
      document.querySelector('nav a[href="#/products"]').click()
    },
  },
  {
    name: 'page 500',
    hash: '#/products?page=500',
    api: 'page=500&page_size=20',
    query: { page: 500 },
    action: () => {
      window.__t0 = performance.now()
      location.hash = '#/products?page=500'
    },
  },
  {
    name: 'search "lamp"',
    hash: '#/products?q=lamp',
    api: 'q=lamp&page=1&page_size=20',
    query: { q: 'lamp', page: 1 },
    action: () => {
      window.__t0 = performance.now()
      document.getElementById('search').value = 'lamp'
      document.querySelector('form[role="search"] button[type="submit"]').click()
    },
  },
  {
    name: 'sort by price',
    hash: '#/products?sort=price',
    api: 'page=1&page_size=20&sort=price',
    query: { page: 1, sort: 'price' },
    action: () => {
      window.__t0 = performance.now()
      const select = document.getElementById('sort')
      select.value = 'price'
      select.dispatchEvent(new Event('change', { bubbles: true }))
    },
  },
  {
    name: 'filter active=false',
    hash: '#/products?active=false',
    api: 'active=false&page=1&page_size=20',
    query: { active: false, page: 1 },
    action: () => {
      window.__t0 = performance.now()
      const select = document.getElementById('active-filter')
      select.value = 'false'
      select.dispatchEvent(new Event('change', { bubbles: true }))
    },
  },
]

/**
 * Installed in the page: resolves once a products table that was not there before the action
 * holds rows and the pagination shows the total, after the next frame (the table painted).
 * Times are from `start()` on the page's clock; `api` is the products request's duration as
 * the browser saw it.
 */
function installWaiter() {
  window.__shown = (start) =>
    new Promise((resolve) => {
      const ready = () => {
        const table = document.querySelector('#main table')
        return (
          table &&
          !table.dataset.stale &&
          table.tBodies[0]?.rows.length > 0 &&
          /products/.test(document.querySelector('#main .pagination p')?.textContent ?? '')
        )
      }
      const finish = () => {
        const dom = performance.now()
        const t0 = start()
        requestAnimationFrame(() =>
          setTimeout(() => {
            const request = performance
              .getEntriesByType('resource')
              .filter((entry) => entry.name.includes('/api/products/?'))
              .at(-1)
            resolve({
              dom: dom - t0,
              painted: performance.now() - t0,
              api: request ? request.responseEnd - request.startTime : Number.NaN,
              rows: document.querySelector('#main table').tBodies[0].rows.length,
              total: document.querySelector('#main .pagination p').textContent,
            })
          }, 0),
        )
      }
      if (ready()) return finish()
      const observer = new MutationObserver(() => {
        if (!ready()) return
        observer.disconnect()
        finish()
      })
      observer.observe(document, { childList: true, subtree: true, characterData: true })
    })
  // The page load, watched from the document's start (times from navigation start).
  window.__first = window.__shown(() => 0)
}

/** Imports the file into a fresh database with the SDK, as fast as it goes. */
async function importFile(filename) {
  const storage = sqliteStorage({ filename })
  await storage.migrate()
  const started = performance.now()
  const summary = await importProducts(FILE, { storage }).result()
  await storage.close()
  return { ms: Math.round(performance.now() - started), summary }
}

/** `product-importer serve` on the database, the way `npm start` runs it. */
async function startServer(db) {
  const child = spawn(
    process.execPath,
    [...START_FLAGS, CLI, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1'],
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
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const stats = (xs) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) })
const ms = (x) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`

/** The page load: a new tab opened on the view's URL, timed from its navigation start. */
async function pageLoad(context, origin, scenario) {
  const page = await context.newPage()
  await page.addInitScript(installWaiter)
  await page.goto(`${origin}/${scenario.hash}`, { waitUntil: 'commit' })
  const result = await page.evaluate(() => window.__first)
  await page.close()
  return result
}

/** The in-app action on an open tab, timed from the action; the tab starts on `from`. */
async function inApp(page, scenario) {
  // The starting view, shown: a hash other than the current one, so the page renders again.
  await page.evaluate((hash) => {
    for (const table of document.querySelectorAll('#main table')) table.dataset.stale = '1'
    location.hash = hash
    return window.__shown(() => 0)
  }, scenario.from ?? '#/products?page=1')
  await page.evaluate(() => {
    for (const table of document.querySelectorAll('#main table')) table.dataset.stale = '1'
    performance.clearResourceTimings()
    window.__pending = window.__shown(() => window.__t0)
  })
  await page.evaluate(scenario.action)
  return page.evaluate(() => window.__pending)
}

/** The products request alone, from Node: what the server takes without any browser. */
async function apiAlone(origin, scenario) {
  const started = performance.now()
  const res = await request(`${origin}/api/products/?${scenario.api}`)
  await res.body.text()
  if (res.statusCode !== 200) throw new Error(`${scenario.api} answered ${res.statusCode}`)
  return performance.now() - started
}

/**
 * Where the request's time goes, on the same file through the SDK's storage: the page of 20
 * without its total, and the count of all matching products the total needs.
 */
async function storageSplit(filename) {
  const storage = sqliteStorage({ filename })
  const split = []
  try {
    for (const scenario of SCENARIOS) {
      const { page, sort, ...filter } = scenario.query
      const pageMs = []
      const countMs = []
      for (let i = 0; i < WARMUP + 10; i++) {
        let started = performance.now()
        await storage.listProducts({ ...scenario.query, pageSize: 20, withTotal: false })
        const a = performance.now() - started
        started = performance.now()
        await storage.countProducts(filter)
        const b = performance.now() - started
        if (i < WARMUP) continue
        pageMs.push(a)
        countMs.push(b)
      }
      split.push({ scenario: scenario.name, page: stats(pageMs), count: stats(countMs) })
      console.log(JSON.stringify(split.at(-1)))
    }
  } finally {
    await storage.close()
  }
  return split
}

if (!existsSync(FILE)) await writeProductsFile(ROWS, FILE)
const dir = mkdtempSync(join(tmpdir(), 'bench-ui-'))
const db = join(dir, 'ui.db')
const imported = await importFile(db)
console.error(`imported ${imported.summary.created} products in ${imported.ms} ms`)
const server = await startServer(db)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
const results = []
let split = []
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const tab = await context.newPage()
  await tab.addInitScript(installWaiter)
  await tab.goto(`${server.origin}/#/products`)
  await tab.evaluate(() => window.__first)
  for (const scenario of SCENARIOS) {
    const load = []
    const action = []
    const node = []
    for (let i = 0; i < WARMUP + REPS; i++) {
      const a = await pageLoad(context, server.origin, scenario)
      const b = await inApp(tab, scenario)
      const c = await apiAlone(server.origin, scenario)
      if (i < WARMUP) continue
      load.push(a)
      action.push(b)
      node.push(c)
    }
    const result = {
      scenario: scenario.name,
      hash: scenario.hash,
      total: action[0].total,
      rows: action[0].rows,
      load: stats(load.map((r) => r.painted)),
      action: stats(action.map((r) => r.painted)),
      actionDom: stats(action.map((r) => r.dom)),
      apiInPage: stats(action.map((r) => r.api)),
      apiAlone: stats(node),
    }
    result.renderAfterApi = stats(action.map((r) => r.painted - r.api))
    results.push(result)
    console.log(JSON.stringify(result))
  }
  await context.close()
  await browser.close()
  await server.stop()
  split = await storageSplit(db)
} finally {
  await browser.close()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}

const model = cpus()[0]?.model.trim()
const [load1, load5] = loadavg()
const met = (s) => (s.p95 <= TARGET_MS ? 'yes' : '**no**')
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${model} (${cpus().length} cores), Node ${process.version}, Chromium ${browser.version()} headless; ${imported.summary.created.toLocaleString('en-US')} products in SQLite (imported through the SDK in ${(imported.ms / 1000).toFixed(1)} s), served by \`product-importer serve\` with \`${START_FLAGS.join(' ')}\`. ${REPS} repetitions of each scenario after ${WARMUP} warm-up ones; p50 / p95. Load average at the end (1 / 5 min): ${load1.toFixed(1)} / ${load5.toFixed(1)}.`,
  '',
  '| scenario | shown | page load | in-app action | products request in the page | same request from Node | target | met (load / in-app) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.scenario} (\`${r.hash}\`) | ${r.rows} rows, ${r.total.replace(/^.*· /, '')} | ${ms(r.load.p50)} / ${ms(r.load.p95)} | ${ms(r.action.p50)} / ${ms(r.action.p95)} | ${ms(r.apiInPage.p50)} / ${ms(r.apiInPage.p95)} | ${ms(r.apiAlone.p50)} / ${ms(r.apiAlone.p95)} | <= ${TARGET_MS} ms | ${met(r.load)} / ${met(r.action)} |`,
  ),
  '',
  'Where the products request goes, through the SDK on the same file (p50 / p95 of 10):',
  '',
  '| scenario | page of 20 without the total | count of all matching (the total) |',
  '| --- | --- | --- |',
  ...split.map(
    (r) =>
      `| ${r.scenario} | ${ms(r.page.p50)} / ${ms(r.page.p95)} | ${ms(r.count.p50)} / ${ms(r.count.p95)} |`,
  ),
]
const text = lines.join('\n')
console.log(text)
if (!values['no-write']) {
  writeSection('ui', text)
  // The tables as the project's formatter lays them out, so that `npm run lint` stays green.
  execFileSync('node_modules/.bin/biome', ['format', '--write', 'docs/benchmarks.md'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
}
