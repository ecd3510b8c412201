import type pg from 'pg'

/**
 * The SKU keys an import's committed batches put in its session table `pi_seen`, kept so that a
 * session lost with its connection (a restart, a failover) can be given them again: without
 * them, the next batches would not count a key repeated from before the loss as a duplicate in
 * the file. One string a batch, keys joined by line ends (a SKU holds none), about 20 bytes a
 * key instead of a string object each.
 */
export function createSeenKeys() {
  const batches: string[] = []
  return {
    /** Keeps the keys of a committed batch's rows, but those it rejected (never in pi_seen). */
    add(keys: readonly string[], rejected: readonly number[]): void {
      if (rejected.length === 0) {
        batches.push(keys.join('\n'))
        return
      }
      const skip = new Set(rejected)
      batches.push(keys.filter((_, i) => !skip.has(i)).join('\n'))
    },
    /** Fills the `pi_seen` of a new session with every key kept, a batch a statement. */
    async restore(client: pg.Client): Promise<void> {
      for (const batch of batches) {
        if (batch === '') continue
        await client.query(
          'insert into pi_seen (sku_key) select distinct unnest($1::text[]) on conflict do nothing',
          [batch.split('\n')],
        )
      }
    },
  }
}
