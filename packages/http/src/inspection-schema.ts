import {
  IMPORT_WARNING_CODES,
  PLATFORMS,
  type Platform,
  PRODUCT_FIELDS,
} from '@product-importer/core'
import { z } from 'zod'
import { mappingJsonSchema } from './routes/mappings.js'

const rowError = z.object({
  line: z.number().int(),
  sku: z.string().nullable(),
  column: z.string().nullable().describe('The field the problem is in, when there is one'),
  value: z.string().nullable(),
  message: z.string(),
})

const inspectedRow = z.discriminatedUnion('status', [
  z.object({
    line: z.number().int(),
    status: z.literal('valid'),
    product: z
      .object({ sku: z.string() })
      .catchall(z.unknown())
      .describe('The fields the row gives, as the import reads them (price as a decimal string)'),
  }),
  z.object({ line: z.number().int(), status: z.literal('invalid'), errors: z.array(rowError) }),
  z.object({
    line: z.number().int(),
    status: z.literal('skipped').describe('Not a product row by the platform’s rules'),
  }),
])

/** What `POST /api/import/inspect` answers: how the head of a file will import. */
export const inspectionJsonSchema = z.object({
  platform: z.enum(PLATFORMS as [Platform, ...Platform[]]),
  encoding: z.enum(['utf-8', 'latin1', 'windows-1252']),
  delimiter: z.string(),
  decimal: z.string().describe('The decimal separator numbers are read with'),
  header_signature: z.string().describe('The key of a remembered mapping for this header'),
  columns: z.array(
    z.object({
      header: z.string(),
      field: z.enum(PRODUCT_FIELDS).nullable(),
      read_as: z
        .string()
        .nullable()
        .describe(
          'How the platform reads a column no field takes (Shopify’s Published: "Active, with Status"), or null',
        ),
      samples: z.array(z.string()).max(3),
    }),
  ),
  mapping: z.partialRecord(z.enum(PRODUCT_FIELDS), z.string()),
  unmapped: z.array(z.string()).describe('Headers of the columns no field takes'),
  rows: z.array(inspectedRow),
  warnings: z.array(
    z.object({
      code: z.enum(IMPORT_WARNING_CODES),
      message: z.string(),
      columns: z.array(z.string()).optional(),
    }),
  ),
  more: z.boolean().describe('True when the file has more than was read'),
})

/** What `POST /api/uploads/{id}/inspect` answers: the inspection, for the mapping step. */
export const stagedInspectionJsonSchema = inspectionJsonSchema.extend({
  remembered_mapping: mappingJsonSchema
    .nullable()
    .describe('The mapping remembered for this header, applied unless one was given'),
  upload_id: z.uuid(),
})
