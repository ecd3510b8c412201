/**
 * Exit codes of the CLI, the one place they are defined (the README's table is checked
 * against it). `import` exits NONE_APPLIED when the file had data rows and not one could be
 * applied, so a script can tell "nothing happened" from success.
 */
export const EXIT_CODES = {
  /** Done; for `import`, at least one row applied or the file had no data rows. */
  OK: 0,
  /** A fatal error: unreadable file, no sku column, bad mapping, storage down. */
  FATAL: 1,
  /** Wrong usage: unknown command or flag, missing argument. */
  USAGE: 2,
  /** `import` read data rows and none could be applied (all invalid, say). */
  NONE_APPLIED: 3,
  /** Interrupted (Ctrl-C). */
  CANCELLED: 130,
} as const
