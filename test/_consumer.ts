import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** This repository's root. */
export const ROOT = join(import.meta.dirname, '..')

/**
 * True when the packages' type declarations are built (`npm run build`; `TSUP_DTS=false` leaves
 * them out). Type tests need them: they check what a user's compiler reads, not the sources.
 */
export function hasDeclarations(): boolean {
  return ['core', 'storage-sqlite', 'storage-pg', 'http'].every((pkg) =>
    existsSync(join(ROOT, 'packages', pkg, 'dist', 'index.d.ts')),
  )
}

/** The strict settings a careful user's project has, compiling against the built packages. */
export const STRICT_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2023'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
}

/**
 * Compiles `files` in a fresh project whose `node_modules` is this repository's (so
 * `@product-importer/*` resolve through their package.json `exports` to the built `dist`), with
 * `compilerOptions` as its tsconfig. Resolves with tsc's exit code and output.
 */
export async function compileConsumer(
  files: Record<string, string>,
  compilerOptions: Record<string, unknown> = STRICT_OPTIONS,
  packageJson: Record<string, unknown> = { type: 'module' },
): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'consumer-'))
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', ...packageJson }))
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, include: Object.keys(files) }),
    )
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true })
      writeFileSync(join(dir, name), text)
    }
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    const result = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
      cwd: dir,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: typeof error.code === 'number' ? error.code : 1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    )
    // Paths in tsc's messages relative to the project, so a failure reads like a user's.
    return { ...result, output: result.output.replaceAll(`${dir}/`, '') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
