import type { Command } from './run.js'
import { openStorage, storageOptions } from './storage.js'

export const migrateCommand: Command = {
  summary: 'Create or upgrade the database schema (every command also does it on first use).',
  usage: 'product-importer migrate [--db file | --database-url url]',
  options: { ...storageOptions },
  async run({ values }) {
    const storage = await openStorage(values)
    await storage.close()
    console.log(`schema up to date (${storage.dialect})`)
    return 0
  },
}
