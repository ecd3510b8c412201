import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProductImporter, type ProductImporter } from '@product-importer/core'
import { sqliteStorage } from '@product-importer/storage-sqlite'
import { expect, it } from 'vitest'
import { cli, startImport, workdir } from './_cli.js'

/** 60,000 rows of distinct SKUs; `word` names them, so two files share the header only. */
const ROWS = 60_000
const fileOf = (word: string, rows = ROWS) =>
  `sku,name,price\n${Array.from({ length: rows }, (_, i) => `R-${i},${word} ${i},${(i % 90) + 0.5}`).join('\n')}\n`

/** Products as the catalog shows them: sku, name, description and price, sorted. */
async function catalogOf(importer: ProductImporter): Promise<string> {
  let text = ''
  for await (const chunk of importer.products.exportCsv()) text += chunk
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 4).join(','))
    .sort()
    .join('\n')
}

/** Starts `import` and kills it with SIGKILL once a few batches are committed, as a crash would. */
async function killedImport(dir: string, db: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { child, jobId, exited } = await startImport(
      ['big.csv', '--db', db, '--batch-size', '200'],
      { cwd: dir },
    )
    const watcher = createProductImporter({ storage: sqliteStorage({ filename: db }) })
    try {
      for (;;) {
        const job = await watcher.imports.get(jobId)
        if (child.exitCode !== null || job?.status === 'completed') break
        if ((job?.rows ?? 0) >= 1000) {
          child.kill('SIGKILL')
          await exited
          return jobId
        }
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    } finally {
      await watcher.close()
    }
    await exited
  }
  throw new Error('every import ended before it could be killed')
}

it('refuses `--resume` with another file (exit 1, nothing written), then resumes with the right one', async () => {
  const dir = workdir({ 'big.csv': fileOf('Item'), 'big2.csv': fileOf('Other', ROWS * 2) })
  const db = join(dir, 'x.db')
  const jobId = await killedImport(dir, db)
  const open = () => createProductImporter({ storage: sqliteStorage({ filename: db }) })

  // A process that stopped beating is interrupted as soon as another one looks.
  const before = createProductImporter({
    storage: sqliteStorage({ filename: db }),
    heartbeatTimeoutMs: 1,
  })
  expect((await before.imports.get(jobId))?.status).toBe('interrupted')
  const committed = await catalogOf(before)
  const rows = (await before.imports.get(jobId))!.rows
  expect(rows).toBeGreaterThan(0)
  await before.close()

  const refused = await cli(['import', 'big2.csv', '--db', db, '--resume', jobId], dir)
  expect(refused.code).toBe(1)
  expect(refused.stderr).toMatch(
    /error: RESUME_FILE_MISMATCH: this is not the file the import read: its size is \d+ bytes, not \d+\. Resume with the original file, or start a new import of this one/,
  )
  // The same size with other rows is told by the bytes already imported.
  writeFileSync(join(dir, 'same-size.csv'), fileOf('Ltem'))
  const sameSize = await cli(['import', 'same-size.csv', '--db', db, '--resume', jobId], dir)
  expect(sameSize.code).toBe(1)
  expect(sameSize.stderr).toMatch(/RESUME_FILE_MISMATCH: .*its first \d+ bytes .* differ/)

  const after = open()
  expect(await catalogOf(after)).toBe(committed)
  expect(await after.imports.get(jobId)).toMatchObject({ status: 'interrupted', rows })
  await after.close()

  const resumed = await cli(['import', 'big.csv', '--db', db, '--resume', jobId], dir)
  expect(resumed.code, resumed.stderr).toBe(0)
  const done = open()
  expect(await done.imports.get(jobId)).toMatchObject({ status: 'completed', rows: ROWS })
  const expected = Array.from(
    { length: ROWS },
    (_, i) => `R-${i},Item ${i},,${((i % 90) + 0.5).toFixed(2)}`,
  )
  expect(await catalogOf(done)).toBe(expected.sort().join('\n'))
  await done.close()
}, 120_000)
