import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { type Json, SAMPLE_CSV, startServer, tempDir, waitForJob } from './_server.js'

const run = promisify(execFile)

/** Runs a command line of the older product's guide, pointed at the test server. */
async function curl(line: string, origin: string, cwd: string): Promise<string> {
  const args = [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)
  expect(args.shift()).toBe('curl')
  const { stdout } = await run(
    'curl',
    ['-sS', '--max-time', '20', ...args.map((a) => a.replace('http://localhost:8000', origin))],
    { cwd },
  )
  return stdout
}

describe("the older product's curl calls, as written in its guide", () => {
  it('lists, creates with a JSON number price, imports a file and deletes everything', async () => {
    const t = await startServer()
    const dir = tempDir()
    writeFileSync(join(dir, 'sample_products.csv'), SAMPLE_CSV)

    const empty = JSON.parse(
      await curl('curl http://localhost:8000/api/products/', t.origin, dir),
    ) as Json
    expect(empty.items).toEqual([])

    const created = JSON.parse(
      await curl(
        `curl -X POST http://localhost:8000/api/products/ -H "Content-Type: application/json" -d '{"sku":"SKU001","name":"Product","price":99.99}'`,
        t.origin,
        dir,
      ),
    ) as Json
    expect(created).toMatchObject({ sku: 'SKU001', name: 'Product', price: '99.99' })

    const job = JSON.parse(
      await curl(
        'curl -F file=@sample_products.csv http://localhost:8000/api/import/',
        t.origin,
        dir,
      ),
    ) as Json
    expect(job.job_id).toEqual(expect.any(String))
    expect(await waitForJob(t, job.job_id)).toMatchObject({
      status: 'completed',
      created: 1,
      updated: 1,
    })

    const listed = JSON.parse(
      await curl('curl http://localhost:8000/api/products/', t.origin, dir),
    ) as Json
    expect(listed.total).toBe(2)
    expect(listed.items.find((p: Json) => p.sku === 'SKU001')).toMatchObject({
      name: 'Wireless Headphones',
      price: '79.99',
    })

    const deleted = JSON.parse(
      await curl('curl -X DELETE http://localhost:8000/api/products/delete_all/', t.origin, dir),
    ) as Json
    expect(deleted).toEqual({ deleted: 2 })
  })
})
