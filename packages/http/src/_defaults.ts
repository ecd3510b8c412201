/** The cookie token auth reads when `auth.cookieName` is not set; the OpenAPI document names it too. */
export const DEFAULT_COOKIE_NAME = 'product_importer_token'
