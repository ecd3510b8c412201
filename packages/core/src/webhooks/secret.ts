import { randomBytes } from 'node:crypto'
import { ImporterError } from '../errors.js'

const PREFIX = 'whsec_'
// Standard Webhooks recommends 24 to 64 bytes of key; 32 matches HMAC-SHA256's block strength.
const SECRET_BYTES = 32
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64

/**
 * A new signing secret: `whsec_` followed by the base64 of 32 random bytes, the format the
 * Standard Webhooks libraries of every language accept.
 *
 * @example
 * ```ts
 * createWebhookSecret() // 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
 * ```
 */
export function createWebhookSecret(): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64')
}

/**
 * The HMAC key inside a `whsec_` secret. Throws `VALIDATION_FAILED` when the secret is not
 * `whsec_` and base64 of 24 to 64 bytes.
 */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : ''
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : undefined
  if (!key || key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new ImporterError(
      'VALIDATION_FAILED',
      `A webhook secret is "${PREFIX}" followed by the base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`,
    )
  }
  return key
}
