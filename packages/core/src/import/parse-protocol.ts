import type { ParseOutput } from './parse.js'

/** Messages from the main thread to the parse worker. */
export type ToWorker = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'ack' }

/** Messages from the parse worker to the main thread. */
export type FromWorker =
  | { type: 'out'; items: ParseOutput[] }
  | { type: 'chunk-ack' }
  | { type: 'end' }
  | {
      type: 'fatal'
      error: { importer: boolean; code: string; message: string; details?: unknown }
    }
