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
