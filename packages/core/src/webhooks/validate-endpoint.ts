import { parseInput } from '../_parse-input.js'
import {
  type WebhookEndpointSettings,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookEndpointSdkPatchSchema,
  webhookEndpointSdkSchema,
} from './endpoint-schema.js'
import { assertWebhookUrl, type WebhookUrlGuard } from './url-guard.js'

/** Which case the input is in: the REST API's snake_case JSON, or the SDK's camelCase. */
type InputCase = 'json' | 'sdk'

/**
 * Validates a new endpoint as the API receives it (or, with `'sdk'`, as the SDK takes it): the schema (`VALIDATION_FAILED`), then the
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
  inputCase: InputCase = 'json',
): Promise<WebhookEndpointSettings> {
  const schema = inputCase === 'sdk' ? webhookEndpointSdkSchema : webhookEndpointInputSchema
  const settings = parseInput(schema, input)
  await assertWebhookUrl(settings.url, guard)
  return settings
}

/** Validates changes to an endpoint like {@link validateWebhookEndpoint}; a new URL is checked. */
export async function validateWebhookEndpointPatch(
  input: unknown,
  guard: WebhookUrlGuard,
  inputCase: InputCase = 'json',
): Promise<Partial<WebhookEndpointSettings>> {
  const schema = inputCase === 'sdk' ? webhookEndpointSdkPatchSchema : webhookEndpointPatchSchema
  const patch = parseInput(schema, input)
  if (patch.url !== undefined) await assertWebhookUrl(patch.url, guard)
  return patch
}
