// Public surface of @product-importer/http.

// Defaults a host may want to match
export { DEFAULT_MAX_UPLOAD_BYTES } from './_defaults.js'
// Which hosts count as this machine (the app answers them without a token)
export { isLoopback } from './_loopback.js'
// The app, and mounting it
export { createImporterApp } from './app.js'
// Errors
export { type ApiErrorBody, type ApiErrorCode, statusOf } from './errors.js'
export {
  type ImporterApp,
  type ImporterRequestEvent,
  type NodeRequestHandler,
  toNodeHandler,
} from './importer-app.js'
// OpenAPI
export { createOpenApiDocument } from './openapi.js'
export type { ImporterAppOptions, StagingOptions, TokenAuthOptions } from './types.js'
