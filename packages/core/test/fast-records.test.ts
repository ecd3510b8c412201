// The fast record reader against csv-parse: for any input, in any chunking, the parser must emit
// the same records, lines, rows, errors, offsets and failures with the fast reader as with
// csv-parse alone. The reader is internal, so this test imports the source.
import { describe, expect, it } from 'vitest'
import { createProductParser, type ParseOutput } from '../src/import/parse.js'

/** A small deterministic generator (xorshift32), so a failure names its seed. */
function random(seed: number) {
  let x = Math.imul(seed, 2654435761) >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 4294967296
  }
}

const WORDS = ['lamp', 'Chair', 'oak', '', ' ', '12.50', 'é', '漢字', '🙂', 'x y', '-3', 'true']
// Characters csv-parse reads its own way; the fast reader must hand those over.
const ODD = ['"', 'a"b', '\r', '\n', 'a\rb', '""', '"x"y', ' "q"']

function makeCsv(next: () => number, seed: number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!
  const delimiter = pick([',', ',', ';', '\t'])
  const eol = pick(['\n', '\n', '\r\n'])
  const odd = next() < 0.3
  const field = (): string => {
    const kind = next()
    if (odd && kind < 0.08) return pick(ODD)
    const text = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(WORDS)).join(' ')
    if (kind < 0.5) {
      // Quoted: may hold the delimiter, quotes and line breaks.
      const inner = `${text}${pick(['', delimiter, '""', '\n', '\r\n', ',', `""${delimiter}`])}`
      return `"${inner}"`
    }
    return text.replaceAll(delimiter, '').replace(/["\r\n]/g, '')
  }
  const header = ['sku', 'name', 'description', 'price'].join(delimiter)
  const records = Array.from({ length: 1 + Math.floor(next() * 12) }, (_, i) => {
    if (next() < 0.05) return '' // a blank line
    const width = next() < 0.9 ? 4 : 1 + Math.floor(next() * 6)
    const cells = [`S-${seed}-${i % 5}`, ...Array.from({ length: width - 1 }, field)]
    return cells.join(delimiter)
  })
  let text = [header, ...records].join(eol)
  if (next() < 0.7) text += eol
  if (next() < 0.2) text = `\uFEFF${text}`
  if (odd && next() < 0.1) text += '"never closed'
  return text
}

type Outcome = { outputs: ParseOutput[] } | { error: { code?: string; message: string } }

function parseAll(bytes: Buffer, cuts: number[], csvParseOnly: boolean): Outcome {
  const outputs: ParseOutput[] = []
  const parser = createProductParser(
    {
      encoding: 'utf-8',
      delimiter: undefined,
      batchSize: 3,
      stopAtFirstError: false,
      keepRecords: true,
      csvParseOnly,
    },
    (out) => outputs.push(out),
  )
  try {
    let from = 0
    for (const cut of [...cuts, bytes.length]) {
      if (cut > from) parser.push(bytes.subarray(from, cut))
      from = Math.max(from, cut)
    }
    parser.end()
    // The input read when a batch leaves may differ by the byte of lookahead csv-parse takes
    // after a line ending; what the batch holds, and where it ends, may not.
    for (const out of outputs) if (out.type === 'batch') out.bytesRead = 0
    return { outputs }
  } catch (error) {
    const { code, message } = error as { code?: string; message: string }
    return { error: { code, message } }
  }
}

describe('fast record reader', () => {
  it('reads every input in every chunking exactly as csv-parse does', () => {
    let handedOver = 0
    for (let seed = 1; seed <= 1500; seed++) {
      const next = random(seed)
      const bytes = Buffer.from(makeCsv(next, seed), 'utf8')
      const chunkings = [
        [],
        Array.from({ length: bytes.length }, (_, i) => i), // one byte at a time
        Array.from({ length: 6 }, () => Math.floor(next() * bytes.length)).sort((a, b) => a - b),
      ]
      for (const cuts of chunkings) {
        const actual = parseAll(bytes, cuts, false)
        const expected = parseAll(bytes, cuts, true)
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          const csv = bytes.toString()
          expect({ seed, csv, cuts, actual }).toEqual({ seed, csv, cuts, actual: expected })
        }
      }
      if (bytes.includes('"never') || bytes.includes('\r"')) handedOver++
    }
    // The generator did reach the inputs the reader leaves to csv-parse.
    expect(handedOver).toBeGreaterThan(10)
  })

  it('leaves a record larger than the limit to csv-parse, which skips it as a row error', () => {
    const big = 'x'.repeat(1.5 * 1024 * 1024)
    const bytes = Buffer.from(`sku,name\nA-1,"${big}"\nB-1,Bee\n`)
    const cuts = Array.from({ length: 40 }, (_, i) => i * 65536)
    const fast = parseAll(bytes, cuts, false)
    expect(fast).toEqual(parseAll(bytes, cuts, true))
    const batches = 'outputs' in fast ? fast.outputs.filter((o) => o.type === 'batch') : []
    expect(batches.flatMap((b) => b.rows.map((r) => r.sku))).toEqual(['B-1'])
    expect(batches.flatMap((b) => b.errors.map((e) => e.line))).toEqual([2])
  })
})
