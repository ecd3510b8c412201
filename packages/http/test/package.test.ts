import * as http from '@product-importer/http'
import { describe, expect, it } from 'vitest'

describe('@product-importer/http package', () => {
  it('exports exactly its public surface', () => {
    expect(Object.keys(http).sort()).toEqual([
      'DEFAULT_MAX_UPLOAD_BYTES',
      'createImporterApp',
      'createOpenApiDocument',
      'isLoopback',
      'statusOf',
      'toNodeHandler',
    ])
  })

  it('maps each error code to one status', () => {
    expect(
      Object.fromEntries(
        (
          [
            'VALIDATION_FAILED',
            'UNAUTHORIZED',
            'FORBIDDEN',
            'NOT_FOUND',
            'SKU_TAKEN',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'WEBHOOK_URL_FORBIDDEN',
          ] as const
        ).map((code) => [code, http.statusOf(code)]),
      ),
    ).toEqual({
      VALIDATION_FAILED: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      SKU_TAKEN: 409,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      WEBHOOK_URL_FORBIDDEN: 400,
    })
  })
})
