import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT } from './_consumer.js'

const run = promisify(execFile)
const PUBLISHED = ['core', 'storage-sqlite', 'storage-pg', 'http', 'cli']
const LICENSE = readFileSync(join(ROOT, 'LICENSE'), 'utf8')

describe('what npm publishes', () => {
  it.each(PUBLISHED)('%s: its tarball carries the LICENSE and says ESM only', async (name) => {
    const dir = join(ROOT, 'packages', name)
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      timeout: 60_000,
    })
    const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[]
    expect(pack!.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'package.json']),
    )
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(LICENSE)

    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({ license: 'MIT', type: 'module' })
    expect(manifest.engines.node).toBe('>=20.19.0')
    expect(manifest.keywords.length).toBeGreaterThan(2)
    // ESM only: no CommonJS condition a require() could pick.
    expect(JSON.stringify(manifest.exports ?? {})).not.toContain('"require"')

    // Source maps name files and lines, without a second copy of the sources.
    const maps = pack!.files.filter((file) => file.path.endsWith('.js.map'))
    expect(maps.length).toBeGreaterThan(0)
    for (const { path } of maps) {
      const map = JSON.parse(readFileSync(join(dir, path), 'utf8'))
      expect(map.sources.length, path).toBeGreaterThan(0)
      expect(map.sourcesContent, path).toBeUndefined()
    }
  })

  it('maps a stack trace of the built code to its source file, with no sources shipped', async () => {
    // A frame inside the library: headerSignature() reads the cells it is given.
    const script = [
      "import { headerSignature } from '@product-importer/core'",
      'try { headerSignature(null) } catch (error) { console.log(error.stack) }',
    ].join('\n')
    const { stdout } = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', script],
      { cwd: ROOT, timeout: 30_000 },
    )
    expect(stdout).toMatch(
      /at headerSignature \(.*packages\/core\/src\/import\/header-signature\.ts:\d+:\d+\)/,
    )
  })

  it('takes kysely as a peer, in the one range docs/embedding.md names', () => {
    const manifest = (name: string) =>
      JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8'))
    const core = manifest('core')
    const range: string = core.peerDependencies.kysely
    // Optional for core: only its `sql` subpath, which the storages use, imports kysely.
    expect(core.peerDependenciesMeta.kysely).toEqual({ optional: true })
    for (const name of ['storage-sqlite', 'storage-pg']) {
      const storage = manifest(name)
      // A peer, so the host's instance and the storage's builders are one copy of kysely;
      // required, so npm and pnpm install it for a host without one.
      expect(storage.peerDependencies?.kysely, name).toBe(range)
      expect(storage.peerDependenciesMeta?.kysely, name).toBeUndefined()
      expect(storage.dependencies.kysely, name).toBeUndefined()
    }
    const doc = readFileSync(join(ROOT, 'docs', 'embedding.md'), 'utf8')
    expect(doc).toContain(`peer dependency, \`${range}\``)
  })
})
