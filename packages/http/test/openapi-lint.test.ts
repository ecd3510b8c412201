import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createOpenApiDocument } from '@product-importer/http'
import { describe, expect, it } from 'vitest'
import { tempDir } from './_server.js'

const ROOT = resolve(import.meta.dirname, '../../..')

describe('the OpenAPI document under a maintained linter', () => {
  it('passes @redocly/cli lint with its recommended rules, without a warning', async () => {
    const dir = tempDir()
    const files = {
      'open.json': createOpenApiDocument(),
      'token.json': createOpenApiDocument({ auth: { token: 'x' } }),
      'mounted.json': createOpenApiDocument({ basePath: '/admin/products' }),
    }
    for (const [name, doc] of Object.entries(files)) {
      writeFileSync(join(dir, name), JSON.stringify(doc))
    }
    for (const name of Object.keys(files)) {
      // One run a file: the JSON format prints one report a file.
      const { stdout, stderr } = await promisify(execFile)(
        join(ROOT, 'node_modules/.bin/redocly'),
        ['lint', '--config', join(ROOT, 'redocly.yaml'), '--format', 'json', name],
        {
          cwd: dir,
          // Offline: no usage report, no look-up of a newer version.
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      ).catch((error: { stdout: string; stderr: string }) => error)
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number }
        problems: { ruleId: string; message: string }[]
      }
      expect(
        { name, problems: report.problems.map((p) => `${p.ruleId}: ${p.message}`) },
        stderr,
      ).toEqual({
        name,
        problems: [],
      })
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
    }
  }, 60_000)
})
