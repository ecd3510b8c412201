import type { ImporterStorage } from '../storage/types.js'

// One migration per storage object, shared by every importProducts() call on it: a script that
// imports a hundred files migrates once, and two imports started at once wait for the same one.
const migrations = new WeakMap<ImporterStorage, Promise<void>>()

/**
 * Resolves once `storage` is migrated, running `storage.migrate()` on its first call. A failed
 * migration is forgotten, so the next import tries again (a database that was still starting).
 */
export function migratedOnce(storage: ImporterStorage): Promise<void> {
  let migrated = migrations.get(storage)
  if (!migrated) {
    migrated = storage.migrate().catch((error: unknown) => {
      migrations.delete(storage)
      throw error
    })
    migrations.set(storage, migrated)
  }
  return migrated
}
