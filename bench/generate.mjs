// Deterministic product CSV generator for benchmarks and large-file tests.
//   node bench/generate.mjs [rows=500000] [out=bench/.data/products-<rows>.csv] [--seed 42]
// Multi-word names, descriptions of 10 to 40 words with commas, quotes and some embedded
// newlines, and about 2% of rows repeating an earlier SKU in another letter case.
import { once } from 'node:events'
import { createWriteStream, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'

const ADJECTIVES = [
  'Wireless',
  'Compact',
  'Ergonomic',
  'Premium',
  'Portable',
  'Smart',
  'Classic',
  'Rugged',
  'Ultra-Slim',
  'Deluxe',
  'Heavy-Duty',
  'Vintage',
  'Modern',
  'Eco',
  'Pro',
  'Mini',
]
const MATERIALS = [
  'Steel',
  'Bamboo',
  'Leather',
  'Aluminium',
  'Ceramic',
  'Cotton',
  'Glass',
  'Carbon',
  'Oak',
  'Silicone',
  'Wool',
  'Titanium',
]
const NOUNS = [
  'Headphones',
  'Cable',
  'Desk Lamp',
  'Backpack',
  'Water Bottle',
  'Keyboard',
  'Chair',
  'Mug',
  'Speaker',
  'Charger',
  'Notebook',
  'Jacket',
  'Tent',
  'Watch',
  'Blender',
  'Drill',
]
const WORDS = (
  'durable lightweight reliable stylish versatile sturdy elegant practical ' +
  'water-resistant rechargeable adjustable foldable washable quiet powerful efficient ' +
  'for home office travel outdoor kitchen daily use with extra long battery life and ' +
  'a two-year warranty designed tested made in small batches by our team'
).split(' ')

/** mulberry32: a small, fast, deterministic PRNG. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function quote(text) {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function flipCase(sku, rnd) {
  let out = ''
  for (const c of sku) out += rnd() < 0.5 ? c.toLowerCase() : c.toUpperCase()
  return out === sku ? sku.toLowerCase() : out
}

/** Yields the CSV text of `rows` products in chunks. */
export function* generateProducts(rows = 500_000, seed = 42) {
  const rnd = random(seed)
  const pick = (list) => list[Math.floor(rnd() * list.length)]
  let chunk = 'sku,name,description,price,quantity,active\n'
  for (let i = 0; i < rows; i++) {
    const repeat = i > 100 && rnd() < 0.02
    const n = repeat ? Math.floor(rnd() * i) : i
    const base = `SKU-${String(n).padStart(7, '0')}-${(n * 7919) % 1000}`
    const sku = repeat ? flipCase(base, rnd) : base
    const name = `${pick(ADJECTIVES)} ${pick(MATERIALS)} ${pick(NOUNS)}`
    const count = 10 + Math.floor(rnd() * 31)
    const words = []
    for (let w = 0; w < count; w++) {
      let word = pick(WORDS)
      const r = rnd()
      if (r < 0.06) word += ','
      else if (r < 0.08) word = `"${word}"`
      words.push(word)
    }
    if (rnd() < 0.05) words.splice(Math.floor(count / 2), 0, '\nFeatures:')
    const price = (1 + Math.floor(rnd() * 99_999) / 100).toFixed(2)
    const quantity = Math.floor(rnd() * 1000)
    const active = rnd() < 0.9 ? 'true' : 'false'
    chunk += `${sku},${quote(name)},${quote(words.join(' '))},${price},${quantity},${active}\n`
    if (chunk.length > 1 << 16) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** Writes a generated file and resolves with its path. */
export async function writeProductsFile(rows, file, seed = 42) {
  mkdirSync(dirname(file), { recursive: true })
  const out = createWriteStream(file)
  for (const chunk of generateProducts(rows, seed)) {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return file
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = Number(process.argv[2] ?? 500_000)
  const file = process.argv[3] ?? `bench/.data/products-${rows}.csv`
  await writeProductsFile(rows, file)
  console.log(file)
}
