import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileConsumer, hasDeclarations, ROOT } from './_consumer.js'

// Every fenced TypeScript sample in the READMEs and docs/ is compiled as a file of its own in a
// strict user project against the built packages, so a sample cannot drift from the API. A
// sample that is a fragment (it uses names an earlier sample declared) says so on its first
// line, visibly, with the reason: `// fragment: <why>`; those are listed, not compiled.

const FRAGMENT = /^\/\/ fragment: (.+)$/

interface Sample {
  /** Where it is: `packages/core/README.md:25` (the line of its opening fence). */
  at: string
  code: string
  /** Why it is not compiled, for a fragment. */
  fragment?: string
}

function docs(): string[] {
  const packages = readdirSync(join(ROOT, 'packages'))
    .map((name) => join('packages', name, 'README.md'))
    .filter((path) => {
      try {
        readFileSync(join(ROOT, path))
        return true
      } catch {
        return false
      }
    })
  const pages = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name))
  return ['README.md', ...packages, ...pages]
}

function samplesOf(path: string): Sample[] {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n')
  const samples: Sample[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!)
    const fragment = FRAGMENT.exec(body[0] ?? '')?.[1]
    samples.push({
      at: `${path}:${start + 1}`,
      code: body.join('\n'),
      ...(fragment ? { fragment } : {}),
    })
  }
  return samples
}

const all = docs().flatMap(samplesOf)
const fileOf = (sample: Sample) =>
  `samples/${sample.at.replaceAll('/', '__').replace(':', '.L')}.ts`

describe.skipIf(!hasDeclarations() && !process.env.CI)('TypeScript samples in the docs', () => {
  it('finds the samples of the READMEs and docs/', () => {
    expect(all.length).toBeGreaterThanOrEqual(5)
    expect(all.filter((sample) => !sample.fragment).length).toBeGreaterThanOrEqual(4)
    for (const sample of all.filter((s) => s.fragment)) {
      expect(sample.fragment!.length, sample.at).toBeGreaterThan(10)
    }
  })

  it('compile unchanged, pasted into a strict project (skipLibCheck off)', async () => {
    const files = Object.fromEntries(
      all
        .filter((sample) => !sample.fragment)
        // A module each, so top-level await and imports work as in a user's file.
        .map((sample) => [fileOf(sample), `${sample.code}\nexport {}\n`]),
    )
    const { code, output } = await compileConsumer(files)
    const where = Object.fromEntries(all.map((sample) => [fileOf(sample), sample.at]))
    // Each error names the document and line of its sample.
    const readable = output.replace(/samples\/[^()]+\.ts/g, (file) => where[file] ?? file)
    expect(readable).toBe('')
    expect(code).toBe(0)
  }, 120_000)

  it('reports a sample that does not compile, naming it', async () => {
    const sample = { at: 'README.md:1', code: "import { nope } from '@product-importer/core'" }
    const { code, output } = await compileConsumer({ [fileOf(sample)]: sample.code })
    expect(code).not.toBe(0)
    expect(output).toMatch(/README\.md\.L1\.ts.*has no exported member 'nope'/)
  }, 120_000)
})
