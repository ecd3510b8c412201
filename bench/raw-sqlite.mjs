// The raw SQLite baseline: what the same import costs written directly on the driver, with no
// importer around it. One process per run, like bench/import-sqlite.mjs.
//   node bench/raw-sqlite.mjs <file.csv> <db> [--parser fast|csv-parse|none]
// Prints one JSON line: { ms, rows, peakRssMb }.
//
// The table has the importer's columns and one index, the unique sku_key; each row is one
// prepared `INSERT ... ON CONFLICT (sku_key) DO UPDATE`, 10,000 rows a transaction, in WAL mode
// with synchronous=NORMAL. The rows come from:
// - `fast` (default): the small RFC 4180 reader below, on the main thread;
// - `csv-parse`: csv-parse's stream, as most code written against the driver would read a file;
// - `none`: the file parsed by `fast` before the clock starts, so the time is the driver's alone.
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { parse } from 'csv-parse'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { parser: { type: 'string', default: 'fast' } },
})
const [file, filename] = positionals

/**
 * Records of a CSV file with a header line: comma-separated, fields optionally quoted with `"`
 * (a doubled quote inside), quoted fields may hold line breaks. Enough for the generated files.
 */
async function* fastRecords(path) {
  const decoder = new TextDecoder()
  let rest = ''
  let header = true
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const text = rest + decoder.decode(chunk, { stream: true })
    const records = []
    const end = readRecords(text, records)
    rest = text.slice(end)
    if (header && records.length > 0) {
      records.shift()
      header = false
    }
    yield* records
  }
  rest += decoder.decode()
  if (rest === '') return
  const records = []
  readRecords(`${rest}\n`, records)
  if (header) records.shift()
  yield* records
}

/** Reads the complete records of `text` into `out`; returns where the incomplete rest starts. */
function readRecords(text, out) {
  let at = 0
  let start = 0
  let fields = []
  while (at < text.length) {
    if (text.charCodeAt(at) === 34) {
      // A quoted field: up to the quote not followed by another one.
      let value = ''
      let from = at + 1
      for (;;) {
        const quote = text.indexOf('"', from)
        if (quote === -1 || quote + 1 >= text.length) return start
        value += text.slice(from, quote)
        if (text.charCodeAt(quote + 1) !== 34) {
          at = quote + 1
          break
        }
        value += '"'
        from = quote + 2
      }
      fields.push(value)
    } else {
      let comma = text.indexOf(',', at)
      const newline = text.indexOf('\n', at)
      if (newline === -1) return start
      if (comma === -1) comma = newline + 1
      const stop = Math.min(comma, newline)
      fields.push(text.slice(at, text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop))
      at = stop
    }
    const c = text.charCodeAt(at)
    if (c === 44) at++
    else {
      if (c === 13) at++
      if (at >= text.length) return start
      at++ // the line feed
      out.push(fields)
      fields = []
      start = at
    }
  }
  return start
}

function csvParseRecords(path) {
  return createReadStream(path).pipe(parse({ from_line: 2, relax_column_count: true }))
}

const database = new Database(filename)
database.pragma('journal_mode = WAL')
database.pragma('synchronous = NORMAL')
database.exec(`CREATE TABLE IF NOT EXISTS products (
  id TEXT NOT NULL, sku TEXT NOT NULL, sku_key TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  description TEXT NOT NULL, price_cents INTEGER, quantity INTEGER NOT NULL,
  active INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`)
const upsert = database.prepare(`INSERT INTO products
  (id, sku, sku_key, name, description, price_cents, quantity, active, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (sku_key) DO UPDATE SET sku = excluded.sku, name = excluded.name,
    description = excluded.description, price_cents = excluded.price_cents,
    quantity = excluded.quantity, active = excluded.active, updated_at = excluded.updated_at`)

let source
if (values.parser === 'none') {
  const all = []
  for await (const record of fastRecords(file)) all.push(record)
  source = all
} else if (values.parser === 'csv-parse') source = csvParseRecords(file)
else source = fastRecords(file)

const started = performance.now()
let rows = 0
database.exec('BEGIN')
for await (const [sku, name, description, price, quantity, active] of source) {
  const at = Date.now()
  const cents = price ? Math.round(Number(price) * 100) : null
  const flag = active === 'false' ? 0 : 1
  upsert.run(
    randomUUID(),
    sku,
    sku.toLowerCase(),
    name,
    description,
    cents,
    Number(quantity || 0),
    flag,
    at,
    at,
  )
  if (++rows % 10_000 === 0) {
    database.exec('COMMIT')
    database.exec('BEGIN')
  }
}
database.exec('COMMIT')
const ms = Math.round(performance.now() - started)
database.close()
console.log(
  JSON.stringify({ ms, rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
)
