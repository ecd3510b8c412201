// Public surface of @product-importer/core, one group per concern. Internal helpers (header
// normalization, page-size clamping) are imported by path inside the package, never from here.

// Product model: schemas, SKU identity, value parsing and its limits, new-product defaults

export { matchesETag, productETag } from './product/etag.js'
export {
  FIELD_NAMES,
  FIELDS,
  type FieldKind,
  type FieldSpec,
  SORT_FIELDS,
  type SortField,
  unknownKind,
  VALUE_FIELDS,
  type ValueField,
} from './product/fields.js'
export { nameKey } from './product/name-key.js'
export { NEW_PRODUCT_DEFAULTS, ROW_REJECTIONS } from './product/new-product.js'
export {
  type Product,
  type ProductInput,
  type ProductPatch,
  productInputSchema,
  productPatchSchema,
  productSchema,
} from './product/schema.js'
export { skuKey } from './product/sku-key.js'
export {
  formatPrice,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PRICE_CENTS,
  MAX_QUANTITY,
  MAX_SKU_LENGTH,
  parseActive,
  parsePrice,
  parseQuantity,
} from './product/values.js'
export {
  fromWireInput,
  type ProductWire,
  productWireInputSchema,
  productWireSchema,
  toProduct,
  toProductWire,
} from './product/wire.js'
export { strictObject } from './strict-object.js'

// Import engine: stream a CSV into a storage, read shops' exports, inspect a file first

export { HEADER_ALIASES } from './import/aliases.js'
export { PRODUCT_FIELDS } from './import/header.js'
export { headerSignature } from './import/header-signature.js'
export { DEFAULT_BATCH_SIZE, importProducts } from './import/import-products.js'
export {
  type ImportInspection,
  type InspectedProduct,
  type InspectedRow,
  type InspectOptions,
  inspectProducts,
} from './import/inspect.js'
export { MAX_RECORD_BYTES, RECORD_BYTES_RANGE } from './import/parse.js'
export { PLATFORMS } from './import/profiles/index.js'
export type {
  ColumnMapping,
  DecimalSeparator,
  FieldMapping,
  ImportEncoding,
  ImportErrorCode,
  ImportEvent,
  ImportHeader,
  ImportOptions,
  ImportProgress,
  ImportRun,
  ImportSource,
  ImportStatus,
  ImportSummary,
  ImportWarning,
  Platform,
  ProductField,
} from './import/types.js'
export { IMPORT_WARNING_CODES } from './import/types.js'

// Facade: products, import jobs and export over one storage

export { createProductImporter } from './importer/create-product-importer.js'
export { EXPORT_COLUMNS } from './importer/export-csv.js'
export {
  applyRememberedMapping,
  type RememberedSource,
  rememberMapping,
} from './importer/remembered-mapping.js'
export type { SearchLimitOptions } from './importer/search-limit.js'
export type {
  BulkChange,
  ExportCsvOptions,
  ImportJob,
  ImportsApi,
  MappingsApi,
  ProductImporter,
  ProductImporterOptions,
  ProductPage,
  ProductSelection,
  ProductsApi,
  ProductWriteOptions,
  SelectionBounds,
  StartImportOptions,
} from './importer/types.js'
export type {
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookOptions,
  WebhooksApi,
  WebhookTestResult,
} from './importer/webhook-types.js'

// Errors

export {
  ImporterError,
  type ImporterErrorCode,
  type ImporterErrorOptions,
  isImporterError,
} from './errors.js'

// Storage contract: what an adapter implements, its paging limits, and the id generator its
// import writer uses

// Logging
export { consoleLogger, type Logger } from './logger.js'
export { createUuidV7 } from './product/uuid-v7.js'
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './storage/paging.js'
export type {
  AppliedMapping,
  BatchResult,
  ChangeSample,
  ColumnMappingRecord,
  DeleteAllGuard,
  FieldChange,
  ImportCheckpoint,
  ImportCounts,
  ImporterStorage,
  ImportFileFingerprint,
  ImportJobPatch,
  ImportJobRecord,
  ImportJobStatus,
  ImportPhase,
  ImportResumeInfo,
  ImportRow,
  ImportWriter,
  ImportWriterOptions,
  ProductFilter,
  ProductQuery,
  ProductRecord,
  ProductRecordPage,
  ProductSort,
  ProductStamp,
  ProductValues,
  RowError,
  StorageCapabilities,
  UpdateProductOptions,
} from './storage/types.js'
export { FINISHED_JOB_STATUSES, IMPORT_JOB_STATUSES } from './storage/types.js'
export type {
  AttemptResult,
  ClaimedDelivery,
  ClaimOptions,
  OutboxEvent,
  PreviousWebhookSecret,
  RequeueOptions,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointPatch,
  WebhookEndpointRecord,
  WebhookPageOptions,
  WebhookStorage,
} from './storage/webhook-types.js'
// Webhooks: endpoints' input, events, signing, the URL guard, sending and retrying

export {
  type DispatchOptions,
  type DispatchResult,
  dispatchWebhookDelivery,
} from './webhooks/dispatch.js'
export {
  createWebhookDispatcher,
  WEBHOOK_DISPATCHER_DEFAULTS,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhooks/dispatcher.js'
export {
  MAX_WEBHOOK_DESCRIPTION_LENGTH,
  MAX_WEBHOOK_RATE_LIMIT,
  MAX_WEBHOOK_URL_LENGTH,
  type WebhookEndpointInput,
  type WebhookEndpointInputJson,
  type WebhookEndpointPatchInput,
  type WebhookEndpointPatchJson,
  type WebhookEndpointReplaceJson,
  type WebhookEndpointSettings,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookEndpointReplaceSchema,
} from './webhooks/endpoint-schema.js'
export {
  createWebhookEventBus,
  type SubscribeOptions,
  type WebhookEventBus,
  type WebhookSubscription,
} from './webhooks/event-bus.js'
export type {
  ImportEndedEventData,
  ImportStartedEventData,
  WebhookEvent,
  WebhookEventData,
  WebhookEventDataMap,
  WebhookMessage,
} from './webhooks/event-data.js'
export {
  LEGACY_WEBHOOK_EVENT_TYPES,
  type LegacyWebhookEventType,
  toWebhookEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  webhookSubscribes,
} from './webhooks/event-types.js'
export {
  createDeliveryLimiter,
  type DeliveryLimiter,
  type DeliveryLimiterOptions,
  type DeliveryRunOptions,
  type LimiterClock,
} from './webhooks/limiter.js'
export {
  type ProductEventData,
  productEventData,
  toOutboxEvent,
} from './webhooks/outbox-event.js'
export { PAUSED_ENDPOINT_EVENTS_KEPT } from './webhooks/paused-events.js'
export { parseRetryAfter } from './webhooks/retry-after.js'
export {
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
  decideWebhookRetry,
  type WebhookEndpointHealth,
  type WebhookNextAction,
  type WebhookRetryInput,
  type WebhookRetryPolicy,
} from './webhooks/retry-policy.js'
export { createWebhookSecret, webhookSecretKey } from './webhooks/secret.js'
export { MAX_PREVIOUS_WEBHOOK_SECRETS } from './webhooks/secret-rotation.js'
export {
  createWebhookSender,
  WEBHOOK_SEND_DEFAULTS,
  type WebhookRequest,
  type WebhookSender,
  type WebhookSenderOptions,
} from './webhooks/send.js'
export {
  type SignWebhookInput,
  signWebhook,
  toWebhookBody,
  type WebhookSignatureHeaders,
} from './webhooks/sign.js'
export type { WebhookAttemptOutcome, WebhookErrorKind } from './webhooks/types.js'
export {
  assertWebhookUrl,
  createWebhookUrlGuard,
  type ForbiddenAddressKind,
  type ResolvedAddress,
  type WebhookResolver,
  type WebhookUrlGuard,
  type WebhookUrlGuardOptions,
  type WebhookUrlProblem,
  type WebhookUrlRefusal,
} from './webhooks/url-guard.js'
export {
  validateWebhookEndpoint,
  validateWebhookEndpointPatch,
} from './webhooks/validate-endpoint.js'
