import { readFileSync } from 'node:fs'
import { build } from 'esbuild'
import { defineConfig, type Options } from 'tsup'

// One build for every package. Each package lists its runtime imports in `dependencies`, which
// tsup leaves external; only the package's own source is bundled.
const base = {
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Maps name the source file and line of each frame; without the sources embedded they are a
  // third of their size, and the tarball does not ship the sources twice.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false
  },
  clean: true,
  dts: process.env.TSUP_DTS !== 'false',
  splitting: true,
} satisfies Options

// tsup reads `dependencies` from the root package.json only, so each package's own are listed
// here, with their subpaths.
function externals(dir: string): (string | RegExp)[] {
  const manifest = JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8'))
  const names = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
  return names.map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/|$)`))
}

/**
 * Rebuilds each worker as one self-contained file (its chunks and dependencies inlined; only
 * better-sqlite3, a native module, stays an import). A host that bundles its service then keeps
 * the workers by copying these files beside its bundle, with no node_modules of ours
 * (docs/embedding.md, "Bundling").
 */
function selfContained(dir: string, workers: string[]): () => Promise<void> {
  return async () => {
    for (const name of workers) {
      const file = `packages/${dir}/dist/${name}.js`
      await build({
        entryPoints: [file],
        outfile: file,
        allowOverwrite: true,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        external: ['better-sqlite3'],
        sourcemap: true,
        sourcesContent: false,
        logLevel: 'warning',
        // Bundled CommonJS dependencies call require(): give the ESM file one.
        banner: {
          js: "import { createRequire as __workerRequire } from 'node:module'; const require = __workerRequire(import.meta.url);",
        },
      })
    }
  }
}

const pkg = (dir: string, entry: Record<string, string>): Options => ({
  ...base,
  external: externals(dir),
  name: dir,
  entry: Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, `packages/${dir}/src/${v}`])),
  outDir: `packages/${dir}/dist`,
  tsconfig: 'tsconfig.build.json',
})

export default defineConfig([
  {
    ...pkg('core', {
      index: 'index.ts',
      'sql/index': 'sql/index.ts',
      'parse-worker': 'import/parse-worker.ts',
    }),
    onSuccess: selfContained('core', ['parse-worker']),
  },
  {
    ...pkg('storage-sqlite', {
      index: 'index.ts',
      'count-worker': 'count-worker.ts',
      'write-worker': 'write-worker.ts',
      'checkpoint-worker': 'checkpoint-worker.ts',
    }),
    onSuccess: selfContained('storage-sqlite', [
      'count-worker',
      'write-worker',
      'checkpoint-worker',
    ]),
  },
  pkg('storage-pg', { index: 'index.ts' }),
  {
    ...pkg('http', { index: 'index.ts' }),
    // The web UI builds into dist/ui beside this build: leave it when cleaning.
    clean: ['!ui/**'],
  },
  // The CLI is a program, not a library: no type declarations.
  { ...pkg('cli', { cli: 'cli.ts' }), dts: false },
  {
    // The web UI: one minified browser script, with index.html and the CSS copied beside it.
    name: 'http-ui',
    entry: { app: 'packages/http/src/ui/main.ts' },
    outDir: 'packages/http/dist/ui',
    publicDir: 'packages/http/src/ui/public',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    clean: true,
    dts: false,
    splitting: false,
    tsconfig: 'tsconfig.build.json',
  },
])
