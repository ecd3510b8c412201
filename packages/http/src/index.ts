// Public surface of @product-importer/http.

export type { H3, H3Event } from 'h3'
// Mounting: re-exported from h3 so hosts need no direct dependency on it
export { toNodeHandler } from 'h3/node'
// Defaults a host may want to match
export { DEFAULT_MAX_UPLOAD_BYTES } from './_defaults.js'
// Which hosts count as this machine (the app answers them without a token)
export { isLoopback } from './_loopback.js'
// The app
export { createImporterApp } from './app.js'
// Errors
export { type ApiErrorBody, type ApiErrorCode, statusOf } from './errors.js'
// OpenAPI
export { createOpenApiDocument } from './openapi.js'
export type { ImporterAppOptions, StagingOptions, TokenAuthOptions } from './types.js'
