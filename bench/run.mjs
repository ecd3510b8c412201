// `npm run bench`: the import benchmarks, written into docs/benchmarks.md between markers.
//   node bench/run.mjs [--rows 500000] [--big 2000000] [--runs 3] [--no-write]
// Runs the PostgreSQL and HTTP benchmarks too when their scripts are present (bench/pg.mjs,
// bench/http.mjs); each writes its own section.
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
function importOnce(file, db, flags = START_FLAGS) {
  const out = execFileSync(process.execPath, [...flags, 'bench/import-sqlite.mjs', file, db], {
    encoding: 'utf8',
  })
  return JSON.parse(out.trim().split('\n').at(-1))
}

function freshDb(name) {
  const db = `bench/.data/${name}.db`
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
  return db
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function sqliteBench() {
  const file = await dataFile(rows)
  const first = []
  const again = []
  for (let i = 0; i < runs; i++) {
    const db = freshDb('bench')
    first.push(importOnce(file, db))
    again.push(importOnce(file, db))
  }
  const bigRun = big > 0 ? importOnce(await dataFile(big), freshDb('bench-big')) : undefined
  // The same with Node's default heap settings, for reference.
  const plain = importOnce(file, freshDb('bench'), [])
  const bigPlain = big > 0 ? importOnce(await dataFile(big), freshDb('bench-big'), []) : undefined
  freshDb('bench')
  freshDb('bench-big')
  const row = (label, results, target) =>
    `| ${label} | ${median(results.map((r) => r.ms))} ms (${results.map((r) => r.ms).join(', ')}) | ${Math.round((rows * 1000) / median(results.map((r) => r.ms))).toLocaleString('en-US')} | ${Math.max(...results.map((r) => r.peakRssMb))} MB | ${Math.max(...results.map((r) => r.loopP99Ms))} / ${Math.max(...results.map((r) => r.loopMaxMs))} ms | ${target} |`
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version} with \`${START_FLAGS.join(' ')}\` (the flags of \`npm start\`); median of ${runs} runs (all runs in brackets).`,
    '',
    '| scenario | time | rows/s | peak RSS | event loop p99 / max | target |',
    '| --- | --- | --- | --- | --- | --- |',
    row(
      `first import, ${rows.toLocaleString('en-US')} rows`,
      first,
      '<= 5 s, RSS <= 200 MB, p99 <= 100 ms',
    ),
    row(`re-import, same file`, again, '<= 5 s'),
  ]
  const n = (count) => count.toLocaleString('en-US')
  // One run of `count` rows; `rss` is the peak RSS cell.
  const single = (label, r, count, rss, target) =>
    `| ${label} | ${r.ms} ms | ${n(Math.round((count * 1000) / r.ms))} | ${rss} | ${r.loopP99Ms} / ${r.loopMaxMs} ms | ${target} |`
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
for (const name of ['pg', 'http']) {
  if (values.only && values.only !== name) continue
  if (!existsSync(`bench/${name}.mjs`)) continue
  execFileSync(process.execPath, [`bench/${name}.mjs`], { stdio: 'inherit' })
}
// The tables as the project's formatter lays them out, so that `npm run lint` stays green.
execFileSync('node_modules/.bin/biome', ['format', '--write', 'docs'], { stdio: 'inherit' })
