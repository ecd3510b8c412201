import { readFileSync, writeFileSync } from 'node:fs'

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in docs/benchmarks.md. */
export function writeSection(name, text) {
  const file = 'docs/benchmarks.md'
  const doc = readFileSync(file, 'utf8')
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = doc.indexOf(start)
  const to = doc.indexOf(end)
  if (from === -1 || to === -1)
    throw new Error(`docs/benchmarks.md has no ${start} ... ${end} section`)
  writeFileSync(file, `${doc.slice(0, from + start.length)}\n${text}\n${doc.slice(to)}`)
}
