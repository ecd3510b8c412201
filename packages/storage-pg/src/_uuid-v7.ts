import { randomFillSync } from 'node:crypto'

const POOL_IDS = 4096

/**
 * Time-ordered product ids (RFC 9562 UUID version 7, a per-millisecond counter keeping the ids
 * of one millisecond in order). Random version 4 ids would land all over the primary-key index
 * and the (created_at, id) index, dirtying pages across both on every batch.
 */
export function createUuidV7(): () => string {
  const pool = Buffer.alloc(POOL_IDS * 8)
  let used = POOL_IDS
  let lastAt = -1
  let counter = 0
  return () => {
    if (used === POOL_IDS) {
      randomFillSync(pool)
      used = 0
    }
    const offset = used++ * 8
    const now = Date.now()
    // A clock that steps back keeps the last millisecond, so ids never go backwards.
    const at = Math.max(now, lastAt)
    // 26-bit counter seeded below 2^25 each millisecond: it cannot overflow within one.
    counter = at === lastAt ? counter + 1 : pool.readUInt32BE(offset) >>> 7
    lastAt = at
    const time = at.toString(16).padStart(12, '0')
    const high = (counter >>> 14).toString(16).padStart(3, '0')
    const low = (0x8000 | (counter & 0x3fff)).toString(16)
    const tail = pool.toString('hex', offset + 2, offset + 8)
    return `${time.slice(0, 8)}-${time.slice(8)}-7${high}-${low}-${tail}`
  }
}
