// `npm run bench`: the import benchmarks, written into docs/benchmarks.md between markers.
//   node bench/run.mjs [--rows 500000] [--big 2000000] [--runs 3] [--no-write]
// Runs the PostgreSQL, HTTP and load benchmarks too when their scripts are present (bench/pg.mjs,
// bench/http.mjs, bench/load.mjs); each writes its own section.
import { execFileSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { writeSection } from './doc-section.mjs'
import { writeProductsFile } from './generate.mjs'
import { START_FLAGS } from './node-flags.mjs'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    big: { type: 'string', default: '2000000' },
    runs: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
})
const rows = Number(values.rows)
const big = Number(values.big)
const runs = Number(values.runs)

async function dataFile(n) {
  const file = `bench/.data/products-${n}.csv`
  if (!existsSync(file)) await writeProductsFile(n, file)
  return file
}

/** One import in a child process, with the start script's heap flags unless `flags` says. */
function importOnce(file, db, { flags = START_FLAGS, dryRun = false } = {}) {
  const args = [...flags, 'bench/import-sqlite.mjs', file, db, ...(dryRun ? ['--dry-run'] : [])]
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').at(-1))
}

/** The raw driver baseline (bench/raw-sqlite.mjs) in a child process. */
function rawOnce(file, db, parser) {
  const args = ['bench/raw-sqlite.mjs', file, db, '--parser', parser]
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').at(-1))
}

function freshDb(name) {
  const db = `bench/.data/${name}.db`
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
  return db
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const n = (count) => count.toLocaleString('en-US')
const ms = (results) => median(results.map((r) => r.ms))
const times = (results) => `${ms(results)} ms (${results.map((r) => r.ms).join(', ')})`
const ratio = (ours, base) => `${(ms(ours) / ms(base)).toFixed(2)}x`

async function sqliteBench() {
  const file = await dataFile(rows)
  const results = { first: [], again: [], dry: [], dryAgain: [], rawFirst: [], rawAgain: [] }
  // Baseline and importer alternate, so a slower stretch of the machine hits both alike.
  for (let i = 0; i < runs; i++) {
    const raw = freshDb('bench-raw')
    results.rawFirst.push(rawOnce(file, raw, 'fast'))
    results.rawAgain.push(rawOnce(file, raw, 'fast'))
    results.dry.push(importOnce(file, freshDb('bench'), { dryRun: true }))
    const db = freshDb('bench')
    results.first.push(importOnce(file, db))
    results.again.push(importOnce(file, db))
    results.dryAgain.push(importOnce(file, db, { dryRun: true }))
  }
  // Text filters over the products the last runs left (writes its own section).
  execFileSync(process.execPath, ['bench/search-sqlite.mjs', `bench/.data/bench.db`], {
    stdio: 'inherit',
  })
  const csvParse = rawOnce(file, freshDb('bench-raw'), 'csv-parse')
  const driverOnly = rawOnce(file, freshDb('bench-raw'), 'none')
  const bigRun = big > 0 ? importOnce(await dataFile(big), freshDb('bench-big')) : undefined
  // The same with Node's default heap settings, for reference.
  const plain = importOnce(file, freshDb('bench'), { flags: [] })
  const bigPlain =
    big > 0 ? importOnce(await dataFile(big), freshDb('bench-big'), { flags: [] }) : undefined
  for (const name of ['bench', 'bench-big', 'bench-raw']) freshDb(name)

  const { first, again, dry, dryAgain, rawFirst, rawAgain } = results
  const loop = (results) =>
    `${Math.max(...results.map((r) => r.loopP99Ms))} / ${Math.max(...results.map((r) => r.loopMaxMs))} ms`
  const rss = (results) => `${Math.max(...results.map((r) => r.peakRssMb))} MB`
  const cpu = cpus()[0]?.model.trim()
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpu}), Node ${process.version} with \`${START_FLAGS.join(' ')}\` (the flags of \`npm start\`); ${n(rows)} rows; median of ${runs} runs (all runs in brackets), baseline and importer alternating.`,
    '',
    '| scenario | product-importer | raw driver baseline | ratio | target | peak RSS | event loop p99 / max |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| first import | ${times(first)} | ${times(rawFirst)} | ${ratio(first, rawFirst)} | <= 1.25x | ${rss(first)} | ${loop(first)} |`,
    `| re-import, same file | ${times(again)} | ${times(rawAgain)} | ${ratio(again, rawAgain)} | <= 1.25x | ${rss(again)} | ${loop(again)} |`,
    `| dry run into an empty database | ${times(dry)} | first import: ${ms(first)} ms | ${ratio(dry, first)} | <= 1.00x | ${rss(dry)} | ${loop(dry)} |`,
    `| dry run of the re-import | ${times(dryAgain)} | re-import: ${ms(again)} ms | ${ratio(dryAgain, again)} | <= 1.00x | ${rss(dryAgain)} | ${loop(dryAgain)} |`,
    '',
    `The raw driver baseline (\`bench/raw-sqlite.mjs\`) reads the file with a small RFC 4180 reader on the main thread and writes each row with one prepared \`INSERT ... ON CONFLICT (sku_key) DO UPDATE\`, 10,000 rows a transaction, WAL, \`synchronous = NORMAL\`, into a table with the importer's columns and only the unique \`sku_key\` index. In the same run, the baseline's first import took ${csvParse.ms} ms reading the file with csv-parse's stream instead (product-importer: ${ratio(first, [csvParse])} of it), and ${driverOnly.ms} ms with the rows parsed before the clock started (the driver alone; product-importer: ${ratio(first, [driverOnly])}).`,
    '',
    '| for reference | time | rows/s | peak RSS | event loop p99 / max | target |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  // One run of `count` rows; `rssCell` is the peak RSS cell.
  const single = (label, r, count, rssCell, target) =>
    `| ${label} | ${r.ms} ms | ${n(Math.round((count * 1000) / r.ms))} | ${rssCell} | ${r.loopP99Ms} / ${r.loopMaxMs} ms | ${target} |`
  if (bigRun) {
    const base = Math.max(...first.map((r) => r.peakRssMb))
    const growth = Math.round((bigRun.peakRssMb / base - 1) * 100)
    lines.push(
      single(
        `first import, ${n(big)} rows`,
        bigRun,
        big,
        `${bigRun.peakRssMb} MB (${growth}% vs ${n(rows)})`,
        `RSS <= 20% above ${n(rows)} rows`,
      ),
    )
  }
  const defaults = "Node's default heap settings"
  for (const [count, run] of [
    [rows, plain],
    [big, bigPlain],
  ]) {
    if (!run) continue
    lines.push(
      single(
        `first import, ${n(count)} rows, ${defaults}`,
        run,
        count,
        `${run.peakRssMb} MB`,
        'for reference',
      ),
    )
  }
  const s = first[0].summary
  lines.push('', `Summary of the first import: ${JSON.stringify({ ...s, durationMs: undefined })}`)
  return lines.join('\n')
}

if (!values.only || values.only === 'sqlite') {
  const text = await sqliteBench()
  console.log(text)
  if (!values['no-write']) writeSection('sqlite', text)
}
for (const name of ['pg', 'http', 'load']) {
  if (values.only && values.only !== name) continue
  if (!existsSync(`bench/${name}.mjs`)) continue
  execFileSync(process.execPath, [`bench/${name}.mjs`], { stdio: 'inherit' })
}
// The tables as the project's formatter lays them out, so that `npm run lint` stays green.
execFileSync('node_modules/.bin/biome', ['format', '--write', 'docs'], { stdio: 'inherit' })
