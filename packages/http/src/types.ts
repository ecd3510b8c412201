import type { Logger, StartImportOptions } from '@product-importer/core'
import type { ImporterRequestEvent } from './importer-app.js'

/** Token authentication of {@link ImporterAppOptions.auth}. */
export interface TokenAuthOptions {
  /** The shared secret clients send as `Authorization: Bearer <token>` or in the cookie. */
  token: string
  /** The cookie that may carry the token (browsers). @default 'product_importer_token' */
  cookieName?: string
}

/** Options of {@link createImporterApp}. */
export interface ImporterAppOptions {
  /**
   * The path prefix the app is served under, e.g. `/admin/products`. Requests may arrive with
   * it (plain node:http) or without it (Express `app.use(prefix, ...)` strips it); links in
   * responses always include it. @default ''
   */
  basePath?: string
  /** Require this token on every `/api` route (`/healthz` stays open). */
  auth?: TokenAuthOptions
  /**
   * Decides whether a request may proceed, after token auth when both are set: `true` lets it
   * through, `false` answers 403 `FORBIDDEN`, and `'unauthenticated'` answers 401
   * `UNAUTHORIZED` (nobody is logged in).
   */
  authorize?: (
    event: ImporterRequestEvent,
  ) => boolean | 'unauthenticated' | Promise<boolean | 'unauthenticated'>
  /**
   * Origins besides the app's own whose browsers may send state-changing requests without a
   * Bearer header, e.g. `['https://admin.example.com']`. @default []
   */
  trustedOrigins?: string[]
  /**
   * Host names, besides `localhost`, `127.0.0.1` and `[::1]`, that requests may name in their
   * `Host` header when no `auth.token` is set, e.g. `['products.internal']`; any port matches.
   * Others get 403 `HOST_NOT_ALLOWED`, which stops DNS rebinding: a page on a domain the
   * attacker points at 127.0.0.1 would otherwise be same-origin with the app. `['*']` accepts
   * every host, for apps that put their own authentication in front (`authorize`, a proxy).
   * With a token, every host is accepted. @default []
   */
  allowedHosts?: string[]
  /** Largest accepted upload, enforced while streaming. @default 524288000 (500 MB) */
  maxUploadBytes?: number
  /** Largest accepted JSON body. @default 1048576 (1 MB) */
  maxJsonBytes?: number
  /** Interval of SSE keep-alive comments. @default 15000 */
  keepAliveMs?: number
  /** How often SSE streams read the job's state. @default 250 */
  progressIntervalMs?: number
  /** Options of every import started over HTTP (batch size, header aliases, ...). */
  importOptions?: Omit<StartImportOptions, 'filename' | 'dryRun' | 'bytesTotal'>
  /**
   * Where uploads of `POST /api/uploads/` are staged, and for how long: the web UI uploads a
   * file once, then previews, imports and retries it from there. A completed import removes
   * its file; others go when they expire.
   */
  staging?: StagingOptions
  /**
   * Hears errors that became a 500 response, with the request's method and path, unless
   * `onUnexpectedError` is given. @default the console
   */
  logger?: Logger
  /** Called with errors that became a 500 response. @default reports them to `logger` */
  onUnexpectedError?: (error: unknown, event: ImporterRequestEvent) => void
}

/** Options of {@link ImporterAppOptions.staging}. */
export interface StagingOptions {
  /** The folder of staged files. @default `<os tmpdir>/product-importer-uploads` */
  dir?: string
  /** How long a staged file is kept after its upload, in milliseconds. @default 3600000 (1 h) */
  ttlMs?: number
}

/** Options after defaults. @internal */
export interface ResolvedOptions
  extends Required<
    Pick<
      ImporterAppOptions,
      | 'basePath'
      | 'trustedOrigins'
      | 'allowedHosts'
      | 'maxUploadBytes'
      | 'maxJsonBytes'
      | 'keepAliveMs'
      | 'progressIntervalMs'
    >
  > {
  auth: Required<TokenAuthOptions> | undefined
  authorize: ImporterAppOptions['authorize']
  importOptions: NonNullable<ImporterAppOptions['importOptions']>
  onUnexpectedError: NonNullable<ImporterAppOptions['onUnexpectedError']>
  staging: Required<StagingOptions>
}
