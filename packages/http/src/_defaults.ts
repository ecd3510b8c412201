/**
 * The most bytes an upload may hold when `maxUploadBytes` is not set (500 MiB); the CLI applies
 * it to what a compressed file decompresses to.
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024

/** The cookie token auth reads when `auth.cookieName` is not set; the OpenAPI document names it too. */
export const DEFAULT_COOKIE_NAME = 'product_importer_token'
