import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './_consumer.js'

// The mount recipes in docs/embedding.md are excerpts of the examples the tests run: each line
// shown must be a line of examples/<section>/server.mjs, so the page cannot drift from them.

const doc = readFileSync(join(ROOT, 'docs', 'embedding.md'), 'utf8')
const mounting = doc.slice(doc.indexOf('## Mounting'), doc.indexOf('## Bundling'))
const recipes = [...mounting.matchAll(/^### (\S+)\n([\s\S]*?)(?=^### |$(?![\s\S]))/gm)].map(
  ([, name, body]) => ({
    name: name!,
    lines: [...body!.matchAll(/^```js\n([\s\S]*?)^```$/gm)].flatMap((m) =>
      m[1]!.split('\n').filter((line) => line.trim()),
    ),
  }),
)

describe('docs/embedding.md', () => {
  it('has a recipe for each host, each an excerpt of its example', () => {
    expect(recipes.map((r) => r.name)).toEqual(['node-http', 'express', 'fastify', 'hono', 'h3'])
    for (const recipe of recipes) {
      const file = join(ROOT, 'examples', recipe.name, 'server.mjs')
      expect(existsSync(file), file).toBe(true)
      const source = new Set(readFileSync(file, 'utf8').split('\n'))
      expect(recipe.lines.length, recipe.name).toBeGreaterThan(0)
      for (const line of recipe.lines)
        expect(source.has(line), `${recipe.name}: ${line}`).toBe(true)
    }
  })

  it('is linked from the README', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('(docs/embedding.md)')
  })
})
