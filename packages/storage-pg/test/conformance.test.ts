import { describeStorageConformance } from '@product-importer/adapter-tests'
import { describe } from 'vitest'
import { createTarget, PG_URL } from './_pg.js'

if (PG_URL) describeStorageConformance('postgres', createTarget)
else describe.skip('postgres storage conformance (no PostgreSQL 15 found)', () => {})
