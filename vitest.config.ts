import { defineConfig } from 'vitest/config'

// Tests import the built packages (`npm test` builds first), so the parse worker and the CLI run
// exactly as users get them.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
  },
})
