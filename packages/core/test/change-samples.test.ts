import type { ChangeSample, ImportEvent } from '@product-importer/core'
import { describe, expect, it } from 'vitest'
import { importerOn, onBothStorages } from './both-storages.js'
import { allProducts, bytes, runImport } from './helpers.js'

/** The change samples among a run's events, in order. */
const samplesOf = (events: ImportEvent[]): ChangeSample[] =>
  events.flatMap((e) => (e.type === 'change-sample' ? [e.sample] : []))

describe('a dry run samples the updates it would make', () => {
  onBothStorages((kind) => {
    it('shows each changed field of an update before and after, as the API shows values', async () => {
      const importer = await importerOn(kind)
      await runImport(
        importer,
        bytes(
          'sku,name,description,price,quantity,active\nA-1,Lamp,Bright,10,5,true\nB-1,Mug,Blue,3,9,true\nC-1,Cup,,2.5,1,true\n',
        ),
      )
      const file = [
        'sku,name,price,quantity,active',
        'a-1,Desk lamp,12.50,5,true', // name and price change; quantity and active stay
        'B-1,Mug,3,9,true', // unchanged
        'N-1,New,1,1,true', // created
        'C-1,Cup,,0,false', // empty price keeps it; quantity and active change
      ].join('\n')
      const { summary, events } = await runImport(importer, bytes(`${file}\n`), { dryRun: true })
      expect(summary).toMatchObject({ created: 1, updated: 2, unchanged: 1 })
      expect(samplesOf(events)).toEqual([
        {
          line: 2,
          sku: 'A-1',
          changes: [
            { field: 'name', before: 'Lamp', after: 'Desk lamp' },
            { field: 'price', before: '10.00', after: '12.50' },
          ],
        },
        {
          line: 5,
          sku: 'C-1',
          changes: [
            { field: 'quantity', before: 1, after: 0 },
            { field: 'active', before: true, after: false },
          ],
        },
      ])
      expect((await allProducts(importer)).find((p) => p.sku === 'A-1')).toMatchObject({
        name: 'Lamp',
        price: '10.00',
      })
    })

    it('keeps at most 10 samples and skips a SKU an earlier row of the file changed', async () => {
      const importer = await importerOn(kind)
      const stored = Array.from({ length: 30 }, (_, i) => `S-${i},Old ${i},1`)
      await runImport(importer, bytes(`sku,name,price\n${stored.join('\n')}\n`))
      const rows = ['S-0,First change,1', 's-0,Second change,1']
      for (let i = 1; i < 30; i++) rows.push(`S-${i},New ${i},1`)
      const { events, summary } = await runImport(
        importer,
        bytes(`sku,name,price\n${rows.join('\n')}\n`),
        { dryRun: true, batchSize: 1 },
      )
      expect(summary).toMatchObject({ updated: 30, duplicatesInFile: 1 })
      const samples = samplesOf(events)
      expect(samples).toHaveLength(10)
      expect(samples[0]).toEqual({
        line: 2,
        sku: 'S-0',
        changes: [{ field: 'name', before: 'Old 0', after: 'First change' }],
      })
      expect(samples.map((s) => s.sku)).toEqual(Array.from({ length: 10 }, (_, i) => `S-${i}`))
    })

    it('stops looking after the first 2,000 rows of a file', async () => {
      const importer = await importerOn(kind)
      await runImport(importer, bytes('sku,name\nLATE,Old\n'))
      const rows = Array.from({ length: 2_000 }, (_, i) => `N-${i},New`)
      const { events, summary } = await runImport(
        importer,
        bytes(`sku,name\n${rows.join('\n')}\nLATE,Changed\n`),
        { dryRun: true },
      )
      expect(summary).toMatchObject({ created: 2_000, updated: 1 })
      expect(samplesOf(events)).toEqual([])
    })

    it('samples nothing in a real import', async () => {
      const importer = await importerOn(kind)
      await runImport(importer, bytes('sku,name\nA-1,Lamp\n'))
      const { events, summary } = await runImport(importer, bytes('sku,name\nA-1,Desk lamp\n'))
      expect(summary).toMatchObject({ updated: 1 })
      expect(samplesOf(events)).toEqual([])
    })

    it('stores the samples on a dry-run job, and none on an import job', async () => {
      const importer = await importerOn(kind)
      await runImport(importer, bytes('sku,name,price\nA-1,Lamp,10\n'))
      const file = bytes('sku,name,price\nA-1,Desk lamp,12.5\n')
      const preview = await importer.imports.create({ dryRun: true })
      await importer.imports.run(preview.id, file)
      expect((await importer.imports.get(preview.id))?.changeSamples).toEqual([
        {
          line: 2,
          sku: 'A-1',
          changes: [
            { field: 'name', before: 'Lamp', after: 'Desk lamp' },
            { field: 'price', before: '10.00', after: '12.50' },
          ],
        },
      ])
      const unchanged = await importer.imports.create({ dryRun: true })
      await importer.imports.run(unchanged.id, bytes('sku,name,price\nA-1,Lamp,10\n'))
      expect((await importer.imports.get(unchanged.id))?.changeSamples).toEqual([])
      const real = await importer.imports.create()
      await importer.imports.run(real.id, bytes('sku,name\nA-1,Desk lamp\n'))
      expect((await importer.imports.get(real.id))?.changeSamples).toBeUndefined()
    })
  })
})
