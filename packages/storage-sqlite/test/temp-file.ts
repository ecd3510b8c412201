import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'

const dirs: string[] = []

/** A database path in a folder of its own, removed after the test. */
export async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'product-importer-sqlite-'))
  dirs.push(dir)
  return join(dir, 'products.db')
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})
