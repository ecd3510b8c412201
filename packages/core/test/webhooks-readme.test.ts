import { readFileSync } from 'node:fs'
import {
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
  WEBHOOK_DISPATCHER_DEFAULTS,
  WEBHOOK_SEND_DEFAULTS,
} from '@product-importer/core'
import { describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** The value column of the README's defaults table row for `setting`. */
function documented(setting: string): string {
  const row = readme.split('\n').find((line) => line.startsWith(`| ${setting} `))
  return row?.split('|')[2]?.trim() ?? ''
}

function span(ms: number): string {
  if (ms === 0) return 'now'
  if (ms < 60_000) return `${ms / 1000} s`
  if (ms < 3_600_000) return `${ms / 60_000} min`
  return `${ms / 3_600_000} h`
}

describe('core README', () => {
  it('documents the webhook delivery defaults the code uses', () => {
    expect(documented('connect timeout')).toBe(span(WEBHOOK_SEND_DEFAULTS.connectTimeoutMs))
    expect(documented('total timeout')).toMatch(
      new RegExp(`^${span(WEBHOOK_SEND_DEFAULTS.timeoutMs)},`),
    )
    expect(documented('response body kept')).toMatch(
      new RegExp(`^${WEBHOOK_SEND_DEFAULTS.maxResponseBytes / 1024} KiB,`),
    )
    expect(documented('retry schedule')).toBe(DEFAULT_WEBHOOK_RETRY_SCHEDULE.map(span).join(', '))
    expect(documented('lease')).toBe(span(WEBHOOK_DISPATCHER_DEFAULTS.leaseMs))
    expect(documented('poll')).toBe(span(WEBHOOK_DISPATCHER_DEFAULTS.pollMs))
    expect(documented('retention')).toMatch(
      new RegExp(`^${WEBHOOK_DISPATCHER_DEFAULTS.retentionMs / 86_400_000} days `),
    )
  })
})
