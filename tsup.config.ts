import { defineConfig, type Options } from 'tsup'

// One build for every package. Each package lists its runtime imports in `dependencies`, which
// tsup leaves external; only the package's own source is bundled.
const base = {
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: process.env.TSUP_DTS !== 'false',
  splitting: true,
} satisfies Options

const pkg = (dir: string, entry: Record<string, string>): Options => ({
  ...base,
  name: dir,
  entry: Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, `packages/${dir}/src/${v}`])),
  outDir: `packages/${dir}/dist`,
  tsconfig: 'tsconfig.build.json',
})

export default defineConfig([
  pkg('core', { index: 'index.ts', 'sql/index': 'sql/index.ts' }),
  pkg('storage-sqlite', { index: 'index.ts' }),
  pkg('storage-pg', { index: 'index.ts' }),
  {
    ...pkg('http', { index: 'index.ts', cli: 'cli.ts' }),
    dts: base.dts ? { entry: { index: 'packages/http/src/index.ts' } } : false,
  },
])
