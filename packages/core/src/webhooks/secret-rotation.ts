import type { PreviousWebhookSecret, WebhookEndpointRecord } from '../storage/webhook-types.js'

/**
 * Rotated-out secrets an endpoint keeps at most, newest first. Each signs until its own grace
 * period ends; a rotation past this many drops the oldest at once, so one delivery never carries
 * more than six signatures however often the secret is rotated.
 */
export const MAX_PREVIOUS_WEBHOOK_SECRETS = 5

/** The secrets of an endpoint. */
type EndpointSecrets = Pick<WebhookEndpointRecord, 'secret' | 'previousSecrets'>

/**
 * The secrets that sign at `at`: the current one first, then every rotated-out one still in its
 * grace period, newest first.
 *
 * @example
 * ```ts
 * signWebhook({ id, body, secrets: activeWebhookSecrets(endpoint, now), at: now })
 * ```
 */
export function activeWebhookSecrets(endpoint: EndpointSecrets, at: Date): string[] {
  return [endpoint.secret, ...stillSigning(endpoint.previousSecrets, at).map((p) => p.secret)]
}

/** What a rotation needs besides the endpoint's secrets. */
export interface RotateSecretsInput {
  /** The new current secret. */
  secret: string
  at: Date
  /** How long the secret being rotated out keeps signing; 0 stops it at once. */
  gracePeriodMs: number
}

/**
 * The endpoint's secrets after a rotation: `secret` signs, the one it replaces joins the
 * previous ones until its grace period ends, and expired ones are dropped, keeping the
 * {@link MAX_PREVIOUS_WEBHOOK_SECRETS} newest.
 */
export function rotateWebhookSecrets(
  endpoint: EndpointSecrets,
  input: RotateSecretsInput,
): EndpointSecrets {
  const replaced = {
    secret: endpoint.secret,
    expiresAt: new Date(input.at.getTime() + input.gracePeriodMs),
  }
  const previous = stillSigning([replaced, ...endpoint.previousSecrets], input.at)
  return { secret: input.secret, previousSecrets: previous.slice(0, MAX_PREVIOUS_WEBHOOK_SECRETS) }
}

function stillSigning(secrets: readonly PreviousWebhookSecret[], at: Date) {
  return secrets.filter((previous) => previous.expiresAt > at)
}
