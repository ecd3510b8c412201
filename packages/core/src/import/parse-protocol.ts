import type { ParseOutput } from './parse.js'
import type { RowColumns } from './row-columns.js'

/** A parse output as it crosses the thread boundary: batch rows travel as columns. */
export type WireOutput =
  | Exclude<ParseOutput, { type: 'batch' }>
  | (Omit<Extract<ParseOutput, { type: 'batch' }>, 'rows'> & { columns: RowColumns })

/** Messages from the main thread to the parse worker. */
export type ToWorker = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'ack' }

/** Messages from the parse worker to the main thread. */
export type FromWorker =
  | { type: 'out'; items: WireOutput[] }
  | { type: 'chunk-ack' }
  | { type: 'end' }
  | {
      type: 'fatal'
      error: { importer: boolean; code: string; message: string; details?: unknown }
    }
