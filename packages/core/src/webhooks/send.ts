import { performance } from 'node:perf_hooks'
import { StringDecoder } from 'node:string_decoder'
import type { Agent } from 'undici'
import { errorKindOf, errorMessageOf } from './_error-kind.js'
import { loadUndici } from './_load-undici.js'
import type { WebhookAttemptOutcome } from './types.js'
import {
  createWebhookUrlGuard,
  type WebhookUrlGuard,
  type WebhookUrlGuardOptions,
} from './url-guard.js'

/** Defaults of {@link WebhookSenderOptions}. */
export const WEBHOOK_SEND_DEFAULTS = {
  connectTimeoutMs: 5_000,
  timeoutMs: 15_000,
  maxResponseBytes: 64 * 1024,
  userAgent: 'product-importer-webhooks',
} as const

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  /** The SSRF guard, or its options. @default createWebhookUrlGuard() */
  guard?: WebhookUrlGuard | WebhookUrlGuardOptions
  /** Time to open the connection (TCP and TLS). @default 5000 */
  connectTimeoutMs?: number
  /** Time for the whole attempt, response body included. @default 15000 */
  timeoutMs?: number
  /** Response bytes kept for the log; the rest is not read. @default 65536 */
  maxResponseBytes?: number
  /** @default 'product-importer-webhooks' */
  userAgent?: string
}

/** One HTTP attempt of a delivery. */
export interface WebhookRequest {
  url: string
  /** The exact bytes signed. */
  body: string
  /** The Standard Webhooks headers from `signWebhook`, plus any others. */
  headers: Readonly<Record<string, string>>
  signal?: AbortSignal
}

/** Sends webhook attempts on its own connection pool. */
export interface WebhookSender {
  /** Makes one attempt; never throws: every failure is an outcome. */
  send(request: WebhookRequest): Promise<WebhookAttemptOutcome>
  /** Closes the connection pool. */
  close(): Promise<void>
  /** The same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}

function isGuard(value: WebhookSenderOptions['guard']): value is WebhookUrlGuard {
  return typeof (value as WebhookUrlGuard | undefined)?.check === 'function'
}

/**
 * The webhook sender: one POST per call with undici on a dedicated pool whose DNS lookups pass
 * the SSRF guard, redirects never followed (a 3xx is a failed attempt), a connect timeout and a
 * total timeout, and the response body read up to a cap then dropped.
 *
 * @example
 * ```ts
 * await using sender = createWebhookSender({ guard: { allowHttp: true, allowHosts: ['127.0.0.1'] } })
 * const outcome = await sender.send({ url, body, headers: signWebhook({ id, body, secrets, at: new Date() }) })
 * outcome.statusCode // 200
 * ```
 */
export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const settings = { ...WEBHOOK_SEND_DEFAULTS, ...definedOnly(options) }
  const guard = isGuard(options.guard) ? options.guard : createWebhookUrlGuard(options.guard)
  // Created on the first send, so merely importing core loads no HTTP client.
  let client: Promise<{ dispatcher: Agent; request: typeof import('undici').request }> | undefined
  const clientOf = () =>
    (client ??= loadUndici().then((undici) => ({
      request: undici.request,
      dispatcher: new undici.Agent({
        connect: { timeout: settings.connectTimeoutMs, lookup: guard.lookup },
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
      }),
    })))

  async function send(attempt: WebhookRequest): Promise<WebhookAttemptOutcome> {
    const { request, dispatcher } = await clientOf()
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    const failure = (errorKind: WebhookAttemptOutcome['errorKind'], errorMessage: string) => ({
      ...NO_ANSWER,
      responseTimeMs: elapsed(),
      errorKind,
      errorMessage,
    })
    // undici skips the lookup hook for IP literals, so the URL itself is checked first.
    const problem = guard.check(attempt.url)
    if (problem) {
      const kind = problem.reason === 'forbidden_address' ? 'forbidden_address' : 'invalid_url'
      return failure(kind, problem.message)
    }
    const timeout = AbortSignal.timeout(settings.timeoutMs)
    const signal = attempt.signal ? AbortSignal.any([attempt.signal, timeout]) : timeout
    try {
      const response = await request(attempt.url, {
        method: 'POST',
        dispatcher,
        signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': settings.userAgent,
          ...attempt.headers,
        },
        body: attempt.body,
      })
      const { text, truncated } = await readCapped(response.body, settings.maxResponseBytes)
      const status = response.statusCode
      const ok = status >= 200 && status < 300
      const redirect = status >= 300 && status < 400
      return {
        ok,
        statusCode: status,
        responseTimeMs: elapsed(),
        errorKind: ok ? null : redirect ? 'redirect' : 'http_status',
        errorMessage: ok
          ? null
          : redirect
            ? `Redirect (${status}) to ${headerOf(response.headers.location) ?? 'nowhere'} not followed`
            : `The receiver answered ${status}`,
        responseBody: text,
        responseTruncated: truncated,
        retryAfter: headerOf(response.headers['retry-after']) ?? null,
      }
    } catch (error) {
      if (timeout.aborted)
        return failure('timeout', `No complete answer within ${settings.timeoutMs} ms`)
      if (attempt.signal?.aborted) return failure('aborted', 'The attempt was cancelled')
      return failure(errorKindOf(error), errorMessageOf(error))
    }
  }

  const close = async () => {
    if (client) await (await client).dispatcher.close()
  }
  return { send, close, [Symbol.asyncDispose]: close }
}

const NO_ANSWER = {
  ok: false,
  statusCode: null,
  responseBody: '',
  responseTruncated: false,
  retryAfter: null,
} as const

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

// Leaving the loop early destroys the stream, so a huge or endless body is never read in full.
async function readCapped(
  body: AsyncIterable<Buffer>,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const decoder = new StringDecoder('utf8')
  let text = ''
  let kept = 0
  for await (const chunk of body) {
    const room = max - kept
    text += decoder.write(chunk.length > room ? chunk.subarray(0, room) : chunk)
    kept += Math.min(chunk.length, room)
    if (chunk.length > room) return { text, truncated: true }
  }
  return { text: text + decoder.end(), truncated: false }
}
