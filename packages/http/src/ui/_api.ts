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
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  return (await versioned<T>(path, init)).body
}

/** What {@link api} sends: a method, a JSON body, and extra headers (`if-match`). */
export interface ApiInit {
  method?: string
  body?: unknown
  headers?: Record<string, string>
}

/** Like {@link api}, with the answer's `ETag`: the version a later write names in `If-Match`. */
export async function versioned<T>(
  path: string,
  init: ApiInit = {},
): Promise<{ body: T; etag: string | null }> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    credentials: 'same-origin',
  })
  const etag = response.headers.get('etag')
  if (response.status === 204) return { body: undefined as T, etag }
  const body = await response.json().catch(() => null)
  if (!response.ok) {
    const error = toFailure(response.status, body)
    if (response.status === 401) window.dispatchEvent(new CustomEvent(AUTH_REQUIRED))
    throw error
  }
  return { body: body as T, etag }
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
