import type { H3Event, HTTPMethod } from 'h3'
import type { z } from 'zod'

/** One documented response of a route. */
export interface ResponseSpec {
  description: string
  /** Schema of a JSON body; error statuses (>= 400) default to the error body. */
  json?: z.ZodType
  /** A body that is not JSON: its media type, documented as a string. */
  media?: 'text/csv' | 'text/event-stream' | 'text/html' | 'text/javascript' | 'text/css'
}

/**
 * A route as both the router and the OpenAPI document read it: the document is generated from
 * these, and a handler only ever sees values its spec's schemas parsed.
 */
export interface RouteSpec<
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  U extends boolean = boolean,
> {
  method: HTTPMethod
  /** The path clients use, `:name` for parameters; it matches with and without its trailing slash. */
  path: string
  summary: string
  /** Open without authentication. @default false */
  public?: boolean
  /** Schema of the query string, parsed before the handler runs (400 when it fails). */
  query?: Q
  /** Schema of the JSON body, read and parsed before the handler runs. */
  body?: B
  /** A request without a body is accepted, and the handler gets `undefined`. @default false */
  optionalBody?: boolean
  /** What the body is called in validation messages ("Invalid product: ..."). */
  bodyName?: string
  /**
   * The route takes a CSV upload, which its handler streams itself; with `body`, a JSON body is
   * the alternative, and the handler gets it parsed (or `undefined` for an upload).
   */
  upload?: U
  responses: Record<number, ResponseSpec | string>
}

/** A parsed query, or `undefined` where the spec has no schema. */
export type ParsedQuery<S> = S extends z.ZodType ? z.output<S> : undefined
/**
 * A JSON body that passed the spec's schema, as sent: the core applies the same schema's
 * transforms itself (a price string becomes cents once, not twice).
 */
export type CheckedBody<S> = S extends z.ZodType ? z.input<S> : undefined

/** The second argument of a route handler: its spec's parsed query and checked body. */
export interface RouteInput<Q, B, U> {
  query: ParsedQuery<Q>
  /** `undefined` for an upload, or for a spec with `optionalBody` when none was sent. */
  body: U extends true ? CheckedBody<B> | undefined : CheckedBody<B>
}

/** Declares a route spec, keeping its schema types for the handler. */
export function defineRoute<
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  U extends boolean = false,
>(spec: RouteSpec<Q, B, U>): RouteSpec<Q, B, U> {
  return spec
}

/** A JSON response with its schema. */
export const jsonResponse = (description: string, json: z.ZodType): ResponseSpec => ({
  description,
  json,
})

/** A streamed CSV response. */
export const csvResponse = (description: string): ResponseSpec => ({
  description,
  media: 'text/csv',
})

/** The handler of a route: the h3 event and the values its spec parsed. */
export type RouteHandler<Q, B, U> = (event: H3Event, input: RouteInput<Q, B, U>) => unknown
