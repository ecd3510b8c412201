/** An API error answer: its stable `code`, message and details. */
export interface ApiFailure extends Error {
  status: number
  code: string
  details: unknown
}

/** A zod issue as the API reports it in `details.issues`. */
export interface Issue {
  path: (string | number)[]
  message: string
}

/** Fired on `window` when the server asks for a token. */
export const AUTH_REQUIRED = 'auth-required'

/**
 * Calls the API. Paths are relative (`api/products/`), so the UI works under any mount prefix;
 * the token travels in its HttpOnly cookie, never in a URL.
 */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    credentials: 'same-origin',
  })
  if (response.status === 204) return undefined as T
  const body = await response.json().catch(() => null)
  if (!response.ok) {
    const error = toFailure(response.status, body)
    if (response.status === 401) window.dispatchEvent(new CustomEvent(AUTH_REQUIRED))
    throw error
  }
  return body as T
}

/** The failure an error answer describes. */
export function toFailure(status: number, body: unknown): ApiFailure {
  const described = (body as { error?: { code?: string; message?: string; details?: unknown } })
    ?.error
  const error = new Error(described?.message ?? `The server answered ${status}`) as ApiFailure
  error.status = status
  error.code = described?.code ?? 'INTERNAL'
  error.details = described?.details ?? null
  return error
}

/** Whether `error` is an answer of the API (rather than a network failure). */
export function isFailure(error: unknown): error is ApiFailure {
  return error instanceof Error && typeof (error as ApiFailure).code === 'string'
}

/** The zod issues of a VALIDATION_FAILED answer, by field. */
export function fieldErrors(error: unknown): Map<string, string> {
  const fields = new Map<string, string>()
  if (!isFailure(error)) return fields
  const details = error.details as { issues?: Issue[] } | Issue[] | null
  const issues = Array.isArray(details) ? details : (details?.issues ?? [])
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '')
    if (field && !fields.has(field)) fields.set(field, issue.message)
  }
  if (error.code === 'SKU_TAKEN' && !fields.has('sku')) fields.set('sku', error.message)
  return fields
}
