import { parseArgs } from 'node:util'
import { isImporterError } from '@product-importer/core'
import { type IntegerRange, readIntegerFlags } from './_integer-flags.js'
import { EXIT_CODES } from './exit-codes.js'

/** A CLI command: its flags (node:util parseArgs options) and what it does. */
export interface Command {
  summary: string
  usage: string
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options']
  /** String flags that hold whole numbers: `run` gets them as numbers, checked against the range. */
  integers?: Record<string, IntegerRange>
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<number>
}

const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  import: async () => (await import('./import.js')).importCommand,
  inspect: async () => (await import('./inspect.js')).inspectCommand,
  export: async () => (await import('./export.js')).exportCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
}

function help(): string {
  return [
    'Usage: product-importer <command> [options]',
    '',
    'Commands:',
    '  serve     Serve the REST API and web UI',
    '  import    Import a CSV file of products',
    '  inspect   Show how a CSV file will import, reading only its head',
    '  export    Write every product as CSV',
    '  migrate   Create or upgrade the database schema',
    '',
    'Storage: --db <file> (SQLite, default ./data/products.db) or --database-url postgres://...',
    'Run `product-importer <command> --help` for its options.',
  ].join('\n')
}

/** Runs the CLI with `argv` (without node and script) and resolves with the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return name ? 0 : 1
  }
  const load = commands[name]
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${help()}`)
    return EXIT_CODES.USAGE
  }
  const command = await load()
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
    readIntegerFlags(parsed.values, command.integers ?? {})
  } catch (error) {
    console.error(`${(error as Error).message}\n\nUsage: ${command.usage}`)
    return EXIT_CODES.USAGE
  }
  if (parsed.values.help) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`)
    return 0
  }
  try {
    return await command.run(parsed as { values: Record<string, unknown>; positionals: string[] })
  } catch (error) {
    const message = isImporterError(error)
      ? `${error.code}: ${error.message}`
      : (error as Error).message
    console.error(`error: ${message}`)
    return EXIT_CODES.FATAL
  }
}
