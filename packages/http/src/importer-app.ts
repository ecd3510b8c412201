import type { IncomingMessage, ServerResponse } from 'node:http'
import { toNodeHandler as h3ToNodeHandler } from 'h3/node'

/**
 * The h3 app inside an {@link ImporterApp}, for this repository's own tests (its route table).
 * @internal
 */
export const H3_APP = Symbol.for('product-importer.h3-app')

/**
 * The app {@link createImporterApp} returns, as its declared type: anything that mounts a
 * web-standard `fetch` handler takes it (Hono's `mount`, h3's `mount`, Bun, Deno), and
 * {@link toNodeHandler} adapts it to node:http, Express and Fastify.
 *
 * An h3 v2 app answers inside, but only `fetch` is public: a host project compiles against
 * these packages with its own settings (h3's declarations need the DOM library, the `crossws`
 * package and `exactOptionalPropertyTypes` off), and h3's own `mount()` treats the app as any
 * fetch handler, keeping its error bodies and security headers.
 */
export interface ImporterApp {
  /** Answers one request; the URL's path includes the `basePath` or not, both work. */
  fetch(request: Request): Response | Promise<Response>
}

/** The request a hook of {@link ImporterAppOptions} is called with. */
export interface ImporterRequestEvent {
  /** The request, with its headers and method. */
  readonly req: Request
  /** Its URL, parsed. */
  readonly url: URL
}

/** A node:http request listener, which Express and Fastify mount too. */
export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown

/**
 * The app as a node:http request listener: for `createServer()`, Express's `app.use(prefix,
 * handler)`, or a Fastify route's `reply.raw` (see docs/embedding.md). Request bodies stream
 * from the socket into the app; mount it before any body parser.
 *
 * @example
 * ```ts
 * createServer(toNodeHandler(createImporterApp(importer))).listen(3000)
 * ```
 */
export function toNodeHandler(app: ImporterApp): NodeRequestHandler {
  // h3's adapter reads nothing of the app but `fetch`.
  return h3ToNodeHandler(app as Parameters<typeof h3ToNodeHandler>[0])
}
