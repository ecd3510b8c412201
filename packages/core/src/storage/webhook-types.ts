/**
 * The webhook part of the storage contract: endpoints, the delivery outbox and the log of
 * attempts. Deliveries are written in the same transaction as the change that caused them, and
 * leased to one dispatcher at a time.
 *
 * @module
 */

/** A secret rotated out of an endpoint that still signs, beside the current one, until it expires. */
export interface PreviousWebhookSecret {
  secret: string
  /** When its grace period ends: from then on it signs nothing. */
  expiresAt: Date
}

/** A webhook endpoint as storage holds it. */
export interface WebhookEndpointRecord {
  id: string
  url: string
  /** Event types it receives; empty means every type. */
  eventTypes: string[]
  active: boolean
  description: string
  /** The signing secret, `whsec_` + base64. */
  secret: string
  /**
   * The secrets rotated out within their grace period, newest first: each still signs until
   * it expires. Storage keeps the list as given (rotation bounds and prunes it).
   */
  previousSecrets: PreviousWebhookSecret[]
  /** Deliveries per second at most; `null` for no limit. */
  rateLimit: number | null
  /**
   * Also receive `product.created` / `product.updated` for every row an import applies. The
   * batch records the products it changed; each delivery carries the product as it is when the
   * dispatcher expands that record, shortly after the batch commits (a product deleted by then
   * gets none). See {@link WebhookStorage.expandRowEvents}.
   */
  perRowEvents: boolean
  /** Attempts failed in a row since the last success. */
  failureCount: number
  /** When the current run of failures began; `null` after a success. */
  failingSince: Date | null
  /** Why the endpoint was turned off automatically, when it was. */
  disabledReason: string | null
  createdAt: Date
  updatedAt: Date
}

/** Fields of an endpoint that change. */
export type WebhookEndpointPatch = Partial<
  Omit<WebhookEndpointRecord, 'id' | 'createdAt' | 'updatedAt'>
>

/**
 * An event for the outbox. Storage writes one delivery per endpoint that receives it: active,
 * subscribed to its type (or to every type), and opted in to per-row events when `perRow`.
 */
export interface OutboxEvent {
  /** Stable id of the event, shared by its deliveries. */
  id: string
  type: string
  /** The exact body every delivery sends: `{"type","timestamp","data"}` as JSON. */
  payload: string
  createdAt: Date
  /** A per-row import event, for endpoints that opted in only. @default false */
  perRow?: boolean
  /** Deliver to this endpoint only, active or not (a test event). */
  endpointId?: string
}

/** Where a delivery stands: waiting to be sent (again), sent, or given up on. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed'

/** One event on its way to one endpoint. */
export interface WebhookDeliveryRecord {
  /** The `webhook-id` every attempt sends, so receivers can drop duplicates. */
  id: string
  endpointId: string
  eventId: string
  eventType: string
  payload: string
  status: WebhookDeliveryStatus
  /** Attempts made so far. */
  attempts: number
  /** When the next attempt is due (for a pending delivery). */
  nextAttemptAt: Date
  lastStatusCode: number | null
  lastError: string | null
  createdAt: Date
  /** When it was delivered or given up on. */
  finishedAt: Date | null
}

/** One try at sending a delivery, as the log shows it. */
export interface WebhookAttemptRecord {
  deliveryId: string
  endpointId: string
  eventType: string
  /** The receiver's status, `null` when no response came. */
  statusCode: number | null
  responseTimeMs: number
  /** What went wrong, `null` on success. */
  errorMessage: string | null
  /** The start of the response body, truncated. */
  responseBody: string | null
  createdAt: Date
}

/** A delivery leased to one dispatcher, with the endpoint it goes to. */
export interface ClaimedDelivery {
  delivery: WebhookDeliveryRecord
  endpoint: WebhookEndpointRecord
}

/** Options of {@link WebhookStorage.claimDeliveries}. */
export interface ClaimOptions {
  /** Who claims: the lease holder, checked when the attempt is recorded. */
  owner: string
  now: Date
  /** How long the claim holds; after it, another dispatcher may send the delivery again. */
  leaseMs: number
  limit: number
  /**
   * Only these deliveries, due or not and whatever their endpoint's state (a test sent now),
   * as long as they are pending and not leased.
   */
  ids?: readonly string[]
}

/** The result of one attempt and what follows, recorded in one transaction. */
export interface AttemptResult {
  /** The lease holder that made the attempt. */
  owner: string
  attempt: WebhookAttemptRecord
  /** The delivery's state after the attempt. */
  status: WebhookDeliveryStatus
  nextAttemptAt: Date
  /**
   * What the attempt does to its endpoint: a success clears its run of failures, a failure
   * adds one (starting the run at the attempt's time), and `disable` turns it off with that
   * reason. Applied as increments, so dispatchers sending to one endpoint at once lose nothing.
   */
  endpoint: { succeeded: boolean; disable?: string }
}

/** Which deliveries to queue again, and when. */
export interface RequeueOptions {
  endpointId: string
  now: Date
  /** One delivery, whatever its status. */
  deliveryId?: string
  /** Every failed delivery created at or after this time. */
  failedSince?: Date
}

/** A page request for webhook logs, newest first. */
export interface WebhookPageOptions {
  /** @default 50 */
  limit?: number
  /** @default 0 */
  offset?: number
}

/** The webhook methods of the storage contract. */
export interface WebhookStorage {
  /** Stores a new endpoint. */
  createWebhookEndpoint(record: WebhookEndpointRecord): Promise<WebhookEndpointRecord>
  /** The endpoint with this id, or `undefined`. */
  getWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>
  /** Every endpoint, oldest first. */
  listWebhookEndpoints(): Promise<WebhookEndpointRecord[]>
  /**
   * Changes the given fields and `updatedAt`; `undefined` when the endpoint does not exist.
   * With `ifSecret`, it MUST change the endpoint only while its stored secret is that one, in
   * the same statement, and answer `undefined` otherwise: two rotations at once then never
   * both start from the same secret, losing the one the first of them handed out.
   */
  updateWebhookEndpoint(
    id: string,
    patch: WebhookEndpointPatch,
    options?: { ifSecret?: string },
  ): Promise<WebhookEndpointRecord | undefined>
  /** Deletes an endpoint with its deliveries and attempts; false when it did not exist. */
  deleteWebhookEndpoint(id: string): Promise<boolean>

  /**
   * Writes the deliveries of these events, in one transaction; returns how many. An event no
   * endpoint receives writes nothing.
   */
  enqueueEvents(events: readonly OutboxEvent[]): Promise<number>
  /**
   * Turns the per-row events that import batches recorded (see `ImportWriter.write`) into
   * ordinary deliveries, oldest batch first, until at least `atLeast` deliveries were written
   * or no batch is left; returns how many were written. Each batch's events MUST be expanded
   * exactly once, in one transaction that also removes them: dispatchers expanding at once, in
   * several processes, MUST NOT write a product's delivery twice, and an expansion that fails
   * MUST leave the batch's events to expand again. Each product of the batch that still exists
   * gives one event, built as `toOutboxEvent(type, productEventData(product), batchTime)`
   * builds it from the product as stored at expansion, with one delivery per endpoint recorded
   * with the batch that still exists; a product deleted since gives none.
   */
  expandRowEvents(options?: {
    /** @default every batch waiting */
    atLeast?: number
  }): Promise<number>
  /**
   * Leases up to `limit` pending deliveries that are due, to active endpoints, oldest due first,
   * and not leased to anyone else until the lease ends. Several dispatchers, in several
   * processes, MUST NOT get the same delivery while its lease holds. Without `ids`, it first
   * expands waiting per-row events ({@link expandRowEvents} with `atLeast: limit`).
   */
  claimDeliveries(options: ClaimOptions): Promise<ClaimedDelivery[]>
  /**
   * Records an attempt: the log row, the delivery's new state (its lease released) and the
   * endpoint's failure state, in one transaction. Returns false, recording nothing, when
   * `owner` no longer holds the lease.
   */
  recordAttempt(result: AttemptResult): Promise<boolean>
  /**
   * Records several attempts as {@link recordAttempt} does each, all in ONE transaction (one
   * commit for many deliveries); returns, in order, whether each was recorded.
   */
  recordAttempts(results: readonly AttemptResult[]): Promise<boolean[]>
  /**
   * When the next pending delivery to an active endpoint is due, if any: its due time, or the
   * end of its lease when one holds it at `now`; `now` while per-row events wait to be expanded.
   */
  nextDeliveryDue(now: Date): Promise<Date | undefined>
  /** The delivery with this id, or `undefined`. */
  getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>
  /** Deliveries of an endpoint, newest first. */
  listDeliveries(
    endpointId: string,
    options?: WebhookPageOptions & { status?: WebhookDeliveryStatus },
  ): Promise<WebhookDeliveryRecord[]>
  /** Attempts of an endpoint, newest first. */
  listAttempts(endpointId: string, options?: WebhookPageOptions): Promise<WebhookAttemptRecord[]>
  /** Makes deliveries pending again, due at `now`, keeping their ids; returns how many. */
  requeueDeliveries(options: RequeueOptions): Promise<number>
  /**
   * Deletes attempts older than `before`, and deliveries that finished before it; returns how
   * many rows went.
   */
  pruneWebhooks(before: Date): Promise<number>
}
