import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { Json } from './_server.js'

/** What a response did that the document does not allow, for one request. */
export interface ContractProblem {
  request: string
  status: number
  problem: string
}

/** A response as the checker reads it. */
export interface CheckedResponse {
  status: number
  contentType: string | null
  text: string
}

/** A response checker over one OpenAPI document; see {@link createResponseChecker}. */
export interface ResponseChecker {
  /** Checks one response (its body already read as text); records any problem. */
  check(method: string, url: string, res: CheckedResponse): void
  /** Every problem seen so far. */
  problems: ContractProblem[]
  /** `GET /api/products/{id}/ 200` for every response checked. */
  seen: Set<string>
}

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete'])

/**
 * A strict response checker built on the document's own JSON Schemas (2020-12, with ajv): the
 * operation must exist, the status must be declared for it, the media type must be one the
 * response declares (none for a body-less one), and a JSON body must validate against its
 * schema, `$ref`s to components resolved.
 */
export function createResponseChecker(doc: Json): ResponseChecker {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true })
  addFormats.default(ajv)
  // The components become one schema of their own, `components#/$defs/<name>`.
  const rewrite = (schema: unknown): Json =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"components#/$defs/'))
  ajv.addSchema({ $id: 'components', $defs: rewrite(doc.components.schemas) })
  const validators = new Map<unknown, ValidateFunction>()
  const validatorOf = (schema: Json) => {
    let validate = validators.get(schema)
    if (!validate) {
      validate = ajv.compile(rewrite(schema))
      validators.set(schema, validate)
    }
    return validate
  }
  const operations = Object.entries(doc.paths as Record<string, Json>).map(([path, item]) => ({
    path,
    // Trailing slashes match both ways, as the router does.
    pattern: new RegExp(
      `^${path
        .replace(/(.)\/$/, '$1')
        .replace(/[.]/g, '\\.')
        .replace(/\{\w+\}/g, '[^/]+')}/?$`,
    ),
    item,
  }))
  const problems: ContractProblem[] = []
  const seen = new Set<string>()
  return {
    problems,
    seen,
    check(method, url, res) {
      const text = res.text
      const lower = method.toLowerCase()
      const pathname = new URL(url).pathname
      const request = `${method} ${pathname}`
      const fail = (problem: string) => problems.push({ request, status: res.status, problem })
      if (!METHODS.has(lower)) return
      const found = operations.find((o) => o.pattern.test(pathname) && o.item[lower])
      if (!found) return fail('no such operation in the document')
      seen.add(`${method} ${found.path} ${res.status}`)
      let response = found.item[lower].responses[String(res.status)] as Json | undefined
      if (!response) return fail('status not declared')
      if (response.$ref) {
        response = doc.components.responses[String(response.$ref).split('/').pop()!] as Json
      }
      const content = response.content as Record<string, Json> | undefined
      const type = (res.contentType ?? '').split(';')[0]!.trim()
      if (!content) {
        if (text !== '') fail(`a body (${type}) where the document declares none`)
        return
      }
      const media = content[type]
      if (!media) return fail(`media type ${type || '(none)'} not declared`)
      if (type !== 'application/json') return
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        return fail('the body is not JSON')
      }
      const validate = validatorOf(media.schema as Json)
      if (!validate(body)) {
        fail(
          (validate.errors ?? [])
            .slice(0, 5)
            .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
            .join('; '),
        )
      }
    },
  }
}
