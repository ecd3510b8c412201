import { randomUUID } from 'node:crypto'
import { nameKey } from '@product-importer/core'
import type BetterSqlite3 from 'better-sqlite3'
import { DEFAULTS, type StoredValue, VALUE_SPECS } from './_batch.js'

/**
 * A `products` row as the hot path reads it, in this order: id, sku, the value fields'
 * columns in {@link VALUE_SPECS} order (from {@link STORED.values}), created_at, and the
 * product's number for {@link WriterTables.firstTouch}: its rowid, or 0 for a dry run's shadow
 * row.
 */
export type StoredRow = [string, string, ...StoredValue[]]

/** Where {@link StoredRow} holds each value. */
export const STORED = {
  id: 0,
  sku: 1,
  /** The first value field; field `f` of VALUE_SPECS is at `values + f`. */
  values: 2,
  createdAt: 2 + VALUE_SPECS.length,
  touched: 3 + VALUE_SPECS.length,
} as const

/** The statements one import writer runs per row, prepared once for all its batches. */
export interface WriterTables {
  /** The product with this SKU key as the import sees it so far. */
  find(key: string): StoredRow | undefined
  /**
   * Adds a product with `values` (one per value field, in VALUE_SPECS order); returns its
   * number for {@link WriterTables.firstTouch}, or `undefined` when a product has this SKU key
   * already (then nothing changed). `defaulted` has a bit for each field whose value is its
   * default because the row left it out: where the table's own default is the same, the
   * column is left to it (binding and storing fewer values: a plain file writes its columns).
   */
  insert(
    id: string,
    sku: string,
    key: string,
    values: StoredValue[],
    at: number,
    defaulted: number,
  ): number | undefined
  /**
   * Whether `insert` tells a taken SKU key (a real run), so that it may be tried before `find`;
   * a dry run's insert does not look at products.
   */
  readonly insertTellsTaken: boolean
  /** Writes the non-key columns of the product `stored` describes. */
  update(stored: StoredRow, key: string, sku: string, values: StoredValue[], at: number): void
  /**
   * Records that this writer touched the product numbered `touched` (from `find` or `insert`);
   * false when it already had, so the row repeats an earlier one of the import.
   */
  firstTouch(touched: number): boolean
  /** Keeps what the batch touched: its transaction committed. */
  committed(): void
  /** Forgets what the batch touched: its transaction was rolled back. */
  rolledBack(): void
  /** Drops the temporary tables. */
  drop(): void
}

const COLUMNS = VALUE_SPECS.map((spec) => spec.column)
const READ = ['id', 'sku', ...COLUMNS, 'created_at'].join(', ')
/** Nothing in a dry run's shadow has rowid 0: its number for a product it already touched. */
const TOUCHED = 0
const ALL = ['id', 'sku', 'sku_key', ...COLUMNS, 'created_at', 'updated_at'].join(', ')
const places = (n: number) => Array(n).fill('?').join(',')
/** The shadow's columns: the types and NOT NULL constraints of products, and no defaults. */
const SHADOW_COLUMNS = VALUE_SPECS.map(
  (spec) =>
    `${spec.column} ${spec.kind === 'text' || spec.kind === 'list' ? 'TEXT' : 'INTEGER'}${spec.nullable ? '' : ' NOT NULL'}`,
).join(', ')
const NAME = VALUE_SPECS.findIndex((spec) => spec.key === 'name')
/**
 * The value fields an update sets only when they change: their columns (or keys, as `name`
 * brings `name_key`) are indexed and rarely change, and rewriting an index entry with the same
 * value costs as much as a real change (sku_key never changes).
 */
const ONLY_WHEN_CHANGED = VALUE_SPECS.flatMap((spec, f) => (spec.indexed ? [f] : []))
const ALWAYS = VALUE_SPECS.flatMap((spec, f) => (spec.indexed ? [] : [f]))

/**
 * Creates the writer's temporary tables and prepares its statements. Temporary tables live on
 * the connection's temp database, which spills to disk, so a 2M-row import keeps memory flat.
 */
export function createWriterTables(
  database: BetterSqlite3.Database,
  dryRun: boolean,
): WriterTables {
  const shadow = `temp."import_shadow_${randomUUID().replaceAll('-', '')}"`
  const select = (table: string, touched: string) =>
    database.prepare(`SELECT ${READ}, ${touched} FROM ${table} WHERE sku_key = ?`).raw(true)
  const fromProducts = select('main.products', 'rowid')
  const touched = createRowidSet()
  const { values: first, touched: number, createdAt } = STORED

  if (dryRun) {
    // Temporary tables need a rollback journal (a failed batch undoes its rows there too), but
    // not a journal file: in memory it keeps a 2M-row import at 170k rows/s instead of 120k.
    database.pragma('temp.journal_mode = MEMORY')
    // The products as the batches so far would have left them, and so also the SKUs the run
    // touched. Same NOT NULL constraints as products (and no defaults), so a dry run fails
    // exactly where a real run would.
    database.exec(`CREATE TABLE ${shadow} (
      id TEXT NOT NULL, sku TEXT NOT NULL, sku_key TEXT PRIMARY KEY, ${SHADOW_COLUMNS},
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`)
    const fromShadow = select(shadow, String(TOUCHED))
    const save = database.prepare(
      `INSERT OR REPLACE INTO ${shadow} (${ALL}) VALUES (${places(COLUMNS.length + 5)})`,
    )
    return {
      // The shadow is read only for a SKU the run touched before: one that products has and
      // whose rowid it marked, or one products lacks (the run may have created it). A re-import
      // of an unchanged file then reads products alone, as the real one does.
      find: (key) => {
        const stored = fromProducts.get(key) as StoredRow | undefined
        if (stored && !touched.has(stored[number] as number)) return stored
        const shadowed = fromShadow.get(key) as StoredRow | undefined
        if (shadowed || !stored) return shadowed
        stored[number] = TOUCHED // unchanged when the run met it, so never copied to the shadow
        return stored
      },
      insert: (id, sku, key, values, at) => {
        save.run(id, sku, key, ...values, at, at)
        return -1 // touched for the first time; found in the shadow (as TOUCHED) from now on
      },
      insertTellsTaken: false,
      update: (stored, key, sku, values, at) => {
        save.run(stored[STORED.id], sku, key, ...values, stored[createdAt], at)
      },
      // A product found in products counts by its rowid, so an unchanged one (never copied to
      // the shadow) repeated later counts as a repeat too.
      firstTouch: (n) => n !== TOUCHED && (n < 0 || touched.add(n)),
      committed: touched.keep,
      rolledBack: touched.undo,
      drop: () => database.exec(`DROP TABLE IF EXISTS ${shadow}`),
    }
  }

  // Fields whose column default is the value a new product gets: an insert may leave them out.
  const tableDefaults = new Map(
    (
      database.prepare('PRAGMA main.table_info(products)').all() as {
        name: string
        dflt_value: string | null
      }[]
    ).map((column) => [column.name, column.dflt_value]),
  )
  let leavable = 0
  VALUE_SPECS.forEach((spec, f) => {
    if (f !== NAME && tableDefaults.get(spec.column) === sqlLiteral(DEFAULTS[f]!)) {
      leavable |= 1 << f
    }
  })
  // One statement per set of columns left to the table, prepared when first needed.
  const inserts = new Map<number, { statement: BetterSqlite3.Statement; fields: number[] }>()
  const insertFor = (left: number) => {
    let insert = inserts.get(left)
    if (!insert) {
      const fields = VALUE_SPECS.flatMap((_, f) => (left & (1 << f) ? [] : [f]))
      const columns = ['id', 'sku', 'sku_key', ...fields.map((f) => COLUMNS[f]), 'created_at']
      insert = {
        statement: database.prepare(
          `INSERT INTO main.products (${columns.join(', ')}, updated_at, name_key)
            VALUES (${places(columns.length + 2)}) ON CONFLICT (sku_key) DO NOTHING`,
        ),
        fields,
      }
      inserts.set(left, insert)
    }
    return insert
  }
  // One statement per set of rarely changed fields that change, prepared when first needed.
  const always = ['sku = ?', ...ALWAYS.map((f) => `${COLUMNS[f]} = ?`)]
  const updates = new Map<number, BetterSqlite3.Statement>()
  const updateFor = (changed: number) => {
    let statement = updates.get(changed)
    if (!statement) {
      const set = [...always]
      ONLY_WHEN_CHANGED.forEach((f, bit) => {
        if (!(changed & (1 << bit))) return
        set.push(`${COLUMNS[f]} = ?`)
        if (f === NAME) set.push('name_key = ?')
      })
      statement = database.prepare(
        `UPDATE main.products SET ${set.join(', ')}, updated_at = ? WHERE rowid = ?`,
      )
      updates.set(changed, statement)
    }
    return statement
  }
  const bound: StoredValue[] = []
  return {
    find: (key) => fromProducts.get(key) as StoredRow | undefined,
    insert: (id, sku, key, values, at, defaulted) => {
      const { statement, fields } = insertFor(defaulted & leavable)
      bound.length = 0
      bound.push(id, sku, key)
      for (const f of fields) bound.push(values[f]!)
      bound.push(at, at, nameKey(values[NAME] as string))
      const done = statement.run(...bound)
      if (done.changes === 0) return undefined
      const rowid = Number(done.lastInsertRowid)
      // No product had this rowid a moment ago: a mark on it is a deleted product's (a
      // delete-all frees rowids that new products get again), not this one's.
      touched.forget(rowid)
      return rowid
    },
    insertTellsTaken: true,
    update: (stored, _key, sku, values, at) => {
      bound.length = 0
      bound.push(sku)
      for (const f of ALWAYS) bound.push(values[f]!)
      let changed = 0
      ONLY_WHEN_CHANGED.forEach((f, bit) => {
        const value = values[f]!
        if (value === stored[first + f]) return
        changed |= 1 << bit
        bound.push(value)
        // The key follows the name; comparing the names is cheaper than folding again.
        if (f === NAME) bound.push(nameKey(value as string))
      })
      updateFor(changed).run(...bound, at, stored[number])
    },
    firstTouch: (rowid) => touched.add(rowid),
    committed: touched.keep,
    rolledBack: touched.undo,
    drop: () => {},
  }
}

const PAGE_BITS = 1 << 16

/**
 * The rowids an import touched, one bit each, in pages of 65,536 allocated as they are needed:
 * 2M products take 256 KB. A rowid names one product, and its SKU key names it too, so this
 * tells a repeated SKU as exactly as a set of keys would, without holding the keys.
 */
function createRowidSet() {
  const pages = new Map<number, Uint32Array>()
  let added: number[] = [] // since the last keep(), to undo if their batch is rolled back
  const clear = (rowid: number) => {
    const page = pages.get(Math.floor(rowid / PAGE_BITS))
    if (!page) return
    const bit = rowid % PAGE_BITS
    page[bit >>> 5]! &= ~(1 << (bit & 31))
  }
  return {
    /** Takes out `rowid`: the product it named is gone, and the rowid names another now. */
    forget: clear,
    /** Whether `rowid` was added. */
    has(rowid: number): boolean {
      const page = pages.get(Math.floor(rowid / PAGE_BITS))
      const bit = rowid % PAGE_BITS
      return page !== undefined && (page[bit >>> 5]! & (1 << (bit & 31))) !== 0
    },
    /** Adds `rowid`; false when it was there already. */
    add(rowid: number): boolean {
      const index = Math.floor(rowid / PAGE_BITS)
      let page = pages.get(index)
      if (!page) {
        page = new Uint32Array(PAGE_BITS / 32)
        pages.set(index, page)
      }
      const bit = rowid % PAGE_BITS
      const mask = 1 << (bit & 31)
      const word = page[bit >>> 5]!
      if (word & mask) return false
      page[bit >>> 5] = word | mask
      added.push(rowid)
      return true
    },
    /** Keeps the rowids added so far. */
    keep() {
      added = []
    },
    /** Takes out the rowids added since the last keep(). */
    undo() {
      for (const rowid of added) clear(rowid)
      added = []
    },
  }
}

/** A stored value as SQLite writes it in a column's default (`PRAGMA table_info`). */
function sqlLiteral(value: StoredValue): string | null {
  if (value === null) return null
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`
}
