import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookPageOptions,
} from '../storage/webhook-types.js'
import type {
  WebhookEndpointInput,
  WebhookEndpointPatchInput,
} from '../webhooks/endpoint-schema.js'
import type { SubscribeOptions, WebhookSubscription } from '../webhooks/event-bus.js'
import type { WebhookEventType } from '../webhooks/event-types.js'
import type { WebhookRetryPolicy } from '../webhooks/retry-policy.js'
import type { WebhookSenderOptions } from '../webhooks/send.js'
import type { WebhookResolver } from '../webhooks/url-guard.js'

/** Webhook settings of `ProductImporterOptions`. */
export interface WebhookOptions
  extends Pick<
    WebhookSenderOptions,
    'connectTimeoutMs' | 'timeoutMs' | 'maxResponseBytes' | 'userAgent'
  > {
  /**
   * Hosts endpoints may target although they are not public (`127.0.0.1`, `localhost`, a CIDR
   * range); these hosts may also use `http:`. 169.254.169.254 stays refused. @default []
   */
  allowHosts?: string[]
  /** Accept `http:` endpoint URLs for every host, not only https. @default false */
  allowHttp?: boolean
  /** Replaces DNS for the URL guard, e.g. to point a test hostname at 127.0.0.1. */
  resolve?: WebhookResolver
  /** The retry schedule, jitter, Retry-After cap and auto-disable window. */
  policy?: WebhookRetryPolicy
  /** How long a dispatcher's claim on a delivery holds. @default 60000 */
  leaseMs?: number
  /** The longest the background dispatcher sleeps between two looks at the outbox. @default 5000 */
  pollMs?: number
  /** Attempts and finished deliveries are pruned after this long. @default 30 days */
  retentionMs?: number
  /** Attempts in flight at most, over every endpoint. @default 32 */
  concurrency?: number
  /** Attempts in flight at most to one endpoint. @default 4 */
  perEndpointConcurrency?: number
  /**
   * `'background'`: the importer sends deliveries in a loop until `close()`, from its first
   * use when an endpoint exists, else from the first call of `webhooks`. `'manual'`: nothing is sent until `webhooks.drain()` (tests, scripts, or a
   * separate worker process). @default 'background'
   */
  dispatch?: 'background' | 'manual'
  /** The clock of events, due times and signing; injectable so retries are tested at once. */
  now?: () => Date
  /** The name this instance claims deliveries under; unique per instance. @default a random UUID */
  instanceId?: string
  /** Hears failures of the background dispatcher. @default the importer's `logger` */
  onError?: (error: unknown) => void
}

/** A webhook endpoint as the SDK shows it: never with its secret. */
export interface WebhookEndpoint {
  id: string
  url: string
  /** Event types it receives; empty means every type. */
  eventTypes: WebhookEventType[]
  /**
   * Whether deliveries go out. Turned off by hand, it keeps the events of its pause (up to
   * `PAUSED_ENDPOINT_EVENTS_KEPT`, per-row import events aside) and sends them when turned
   * on again; turned off automatically (`disabledReason`), it keeps none.
   */
  active: boolean
  description: string
  /** Deliveries per second at most; `null` for no limit. */
  rateLimit: number | null
  /**
   * Also receives `product.created` / `product.updated` for every row an import applies,
   * carrying the product as it is when its delivery is created, shortly after the row's batch
   * commits (a product deleted by then gets none).
   */
  perRowEvents: boolean
  /** Attempts failed in a row since the last success. */
  failureCount: number
  /** When the current run of failures began; `null` while healthy. */
  failingSince: Date | null
  /** Why it was turned off automatically (a 410, or failing too long); `null` otherwise. */
  disabledReason: string | null
  /**
   * When each rotated-out secret that still signs beside the current one stops signing, newest
   * first (at most `MAX_PREVIOUS_WEBHOOK_SECRETS`); empty when only the current secret signs.
   */
  previousSecretsExpireAt: Date[]
  createdAt: Date
  updatedAt: Date
}

/** An endpoint with its signing secret: on creation, rotation, or when asked for. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  /** `whsec_` + base64 of 32 random bytes; verify deliveries with it. */
  secret: string
}

/** What a test delivery came to. */
export interface WebhookTestResult {
  /** The delivery, also in the endpoint's delivery log. */
  deliveryId: string
  /** True for a 2xx answer. */
  ok: boolean
  /** The receiver's status, `null` when none came. */
  statusCode: number | null
  responseTimeMs: number
  /** What went wrong, `null` on success. */
  error: string | null
}

/** Webhook operations of a `ProductImporter`. */
export interface WebhooksApi {
  /**
   * Creates an endpoint with a new secret. Throws `VALIDATION_FAILED` for bad input and
   * `WEBHOOK_URL_FORBIDDEN` for a URL the guard refuses.
   */
  create(input: WebhookEndpointInput): Promise<WebhookEndpointWithSecret>
  /** Every endpoint, oldest first. */
  list(): Promise<WebhookEndpoint[]>
  /** The endpoint with this id, or `undefined`. */
  get(id: string): Promise<WebhookEndpoint | undefined>
  /** The endpoint's signing secret. Throws `NOT_FOUND`. */
  secret(id: string): Promise<string>
  /**
   * Changes the given fields; `active: true` also clears the reason it was disabled and its
   * failure count. Throws `NOT_FOUND`, `VALIDATION_FAILED` or `WEBHOOK_URL_FORBIDDEN`.
   */
  update(id: string, patch: WebhookEndpointPatchInput): Promise<WebhookEndpoint>
  /** Deletes an endpoint with its deliveries and attempts; false when it did not exist. */
  delete(id: string): Promise<boolean>
  /**
   * Sends a `webhook.test` event to this endpoint now (active or not) and answers with what
   * the receiver did, within the sender's timeout. Throws `NOT_FOUND`.
   */
  test(id: string): Promise<WebhookTestResult>
  /** Deliveries of the endpoint, newest first. Throws `NOT_FOUND`. */
  deliveries(
    id: string,
    options?: WebhookPageOptions & { status?: WebhookDeliveryStatus },
  ): Promise<WebhookDeliveryRecord[]>
  /** Attempts of the endpoint, newest first. Throws `NOT_FOUND`. */
  attempts(id: string, options?: WebhookPageOptions): Promise<WebhookAttemptRecord[]>
  /**
   * Queues a delivery of this endpoint again, due now, whatever its status, keeping its
   * `webhook-id`. Throws `NOT_FOUND`.
   */
  redeliver(id: string, deliveryId: string): Promise<WebhookDeliveryRecord>
  /** Queues again every failed delivery of the endpoint created since `since`; returns how many. */
  recover(id: string, since: Date): Promise<number>
  /**
   * A new secret; the old one keeps signing beside it (one more signature per delivery) for the
   * grace period, so receivers can switch without losing a delivery. Secrets rotated out before
   * keep signing until their own grace periods end, the `MAX_PREVIOUS_WEBHOOK_SECRETS` newest
   * at most. Throws `NOT_FOUND`.
   */
  rotateSecret(
    id: string,
    options?: { /** @default 86400000 (24 h) */ gracePeriodMs?: number },
  ): Promise<WebhookEndpointWithSecret>
  /**
   * The same events as the endpoints, in process, as an async iterator (no HTTP, no retries:
   * a subscriber that reads too slowly loses the oldest events).
   */
  subscribe<T extends WebhookEventType = WebhookEventType>(
    options?: SubscribeOptions<T>,
  ): WebhookSubscription<T>
  /** Sends every delivery due now, and the retries that fall due meanwhile; returns the attempts. */
  drain(): Promise<number>
}
