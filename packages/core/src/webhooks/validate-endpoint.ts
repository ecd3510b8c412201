import { parseInput } from '../_parse-input.js'
import {
  type WebhookEndpointSettings,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
} from './endpoint-schema.js'
import { assertWebhookUrl, type WebhookUrlGuard } from './url-guard.js'

/**
 * Validates a new endpoint as the API receives it: the schema (`VALIDATION_FAILED`), then the
 * URL's target (`WEBHOOK_URL_FORBIDDEN`). Both answer 400 over HTTP.
 *
 * @example
 * ```ts
 * const settings = await validateWebhookEndpoint(await request.json(), guard)
 * ```
 */
export async function validateWebhookEndpoint(
  input: unknown,
  guard: WebhookUrlGuard,
): Promise<WebhookEndpointSettings> {
  const settings = parseInput(webhookEndpointInputSchema, input)
  await assertWebhookUrl(settings.url, guard)
  return settings
}

/** Validates changes to an endpoint like {@link validateWebhookEndpoint}; a new URL is checked. */
export async function validateWebhookEndpointPatch(
  input: unknown,
  guard: WebhookUrlGuard,
): Promise<Partial<WebhookEndpointSettings>> {
  const patch = parseInput(webhookEndpointPatchSchema, input)
  if (patch.url !== undefined) await assertWebhookUrl(patch.url, guard)
  return patch
}
