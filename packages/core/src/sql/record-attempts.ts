import { type Kysely, sql } from 'kysely'
import type { AttemptResult } from '../storage/webhook-types.js'
import type { SqlFlavor } from './flavor.js'
import type { ImporterDatabase } from './schema.js'
import { attemptRow } from './webhook-outbox.js'

/** Rows one statement carries: 7 parameters each stays far under every driver's limit. */
const CHUNK = 200

/** An endpoint's failure state after a run of attempts, applied in one write. */
interface EndpointOutcome {
  /** A success came: the run of failures restarts from the ones after it. */
  reset: boolean
  /** Failures after the last success (or all, without one). */
  failures: number
  /** The first of those failures. */
  firstFailureAt: Date | null
  /** Turn the endpoint off, with this reason. */
  disable?: string
  at: Date
}

/**
 * Records a group of attempts in the transaction `trx` with a few statements in all, not a few
 * per attempt: each statement is a round trip, and one per attempt bounded how many deliveries
 * a dispatcher sends per second on PostgreSQL. Same outcome as recording them one by one, in
 * order: a delivery whose lease `owner` no longer holds is left alone, and the endpoints'
 * failure runs add up across the group.
 */
export async function recordAttempts(
  trx: Kysely<ImporterDatabase>,
  flavor: SqlFlavor,
  results: readonly AttemptResult[],
): Promise<boolean[]> {
  const recorded = new Set<string>()
  const cast = (value: unknown, type: string) => sql`cast(${value} as ${sql.raw(type)})`
  const { time } = flavor.types
  for (let i = 0; i < results.length; i += CHUNK) {
    const chunk = results.slice(i, i + CHUNK)
    const rows = chunk.map(({ owner, attempt, status, nextAttemptAt }) => {
      const at = flavor.time(attempt.createdAt)
      return sql`(${cast(attempt.deliveryId, 'text')}, ${cast(owner, 'text')}, ${cast(status, 'text')}, ${cast(flavor.time(nextAttemptAt), time)}, ${cast(attempt.statusCode, 'integer')}, ${cast(attempt.errorMessage, 'text')}, ${cast(status === 'pending' ? null : at, time)})`
    })
    // A CTE of VALUES with named columns reads the same on SQLite and PostgreSQL.
    const { rows: moved } = await sql<{ id: string }>`
      with v (id, owner, status, next_attempt_at, status_code, error, finished_at) as (
        values ${sql.join(rows)}
      )
      update webhook_deliveries set
        status = v.status,
        attempts = webhook_deliveries.attempts + 1,
        next_attempt_at = v.next_attempt_at,
        lease_owner = null,
        lease_until = null,
        last_status_code = v.status_code,
        last_error = v.error,
        finished_at = v.finished_at
      from v
      where webhook_deliveries.id = v.id and webhook_deliveries.lease_owner = v.owner
      returning webhook_deliveries.id`.execute(trx)
    for (const row of moved) recorded.add(row.id)
  }

  const kept = results.filter((result) => recorded.has(result.attempt.deliveryId))
  for (let i = 0; i < kept.length; i += CHUNK) {
    await trx
      .insertInto('webhook_attempts')
      .values(kept.slice(i, i + CHUNK).map(({ attempt }) => attemptRow(attempt, flavor)))
      .execute()
  }

  for (const [endpointId, outcome] of endpointOutcomes(kept)) {
    const since = outcome.firstFailureAt && flavor.time(outcome.firstFailureAt)
    let update = trx.updateTable('webhook_endpoints').where('id', '=', endpointId)
    if (outcome.reset) {
      // A healthy endpoint that stays healthy is left unwritten.
      if (outcome.failures === 0 && outcome.disable === undefined) {
        update = update.where((eb) =>
          eb.or([eb('failure_count', '<>', 0), eb('failing_since', 'is not', null)]),
        )
      }
      await update.set({ failure_count: outcome.failures, failing_since: since }).execute()
    } else {
      await update
        .set({
          failure_count: sql`failure_count + ${outcome.failures}`,
          failing_since: sql`coalesce(failing_since, ${since})`,
        })
        .execute()
    }
    if (outcome.disable !== undefined) {
      await trx
        .updateTable('webhook_endpoints')
        .set({
          active: flavor.bool(false),
          disabled_reason: outcome.disable,
          updated_at: flavor.time(outcome.at),
        })
        .where('id', '=', endpointId)
        .execute()
    }
  }
  return results.map((result) => recorded.has(result.attempt.deliveryId))
}

/** Each endpoint's outcome over the recorded attempts, in their order. */
function endpointOutcomes(results: readonly AttemptResult[]): Map<string, EndpointOutcome> {
  const outcomes = new Map<string, EndpointOutcome>()
  for (const { attempt, endpoint } of results) {
    const at = attempt.createdAt
    const outcome = outcomes.get(attempt.endpointId) ?? {
      reset: false,
      failures: 0,
      firstFailureAt: null,
      at,
    }
    if (endpoint.succeeded) {
      outcome.reset = true
      outcome.failures = 0
      outcome.firstFailureAt = null
    } else {
      outcome.failures++
      outcome.firstFailureAt ??= at
    }
    if (endpoint.disable !== undefined) outcome.disable = endpoint.disable
    outcome.at = at
    outcomes.set(attempt.endpointId, outcome)
  }
  return outcomes
}
