import type { TestProject } from 'vitest/node'
// @ts-expect-error plain JS module shared with bench/pg.mjs
import { hasPostgres, startPostgres } from './pg-server.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of an empty PostgreSQL database for the run; empty when none is available. */
    pgTestUrl: string
  }
}

/**
 * Starts a throwaway PostgreSQL 15 for the whole run unless `PG_TEST_URL` names one. Without
 * the server binaries the PostgreSQL suites skip with a warning locally, and fail in CI.
 */
export default async function setup(project: TestProject) {
  const given = process.env.PG_TEST_URL
  if (given) {
    project.provide('pgTestUrl', given)
    return
  }
  if (!hasPostgres() && !process.env.CI) {
    console.warn('PostgreSQL 15 binaries not found: PostgreSQL tests are skipped (run .ci/pg.sh)')
    project.provide('pgTestUrl', '')
    return
  }
  const server = await startPostgres()
  process.env.PG_TEST_URL = server.url
  project.provide('pgTestUrl', server.url)
  return async () => {
    await server.stop()
  }
}
