/**
 * Contract checks against the community OpenAPI description of Anaplan (`shared/anaplan-openapi`,
 * beside the repository). Given a request or a response, finds the operation it matches and lists
 * every way it departs from the spec. Used by the client's integration tests (requests the client
 * sends) and the simulator's contract tests (responses it gives).
 *
 * The spec is known to be wrong in places (reference/anaplan-api.md §11); those cases are listed in
 * {@link SPEC_EXCEPTIONS} with the reason, and are not reported.
 *
 * @example
 * const api = loadAnaplanOpenApi()
 * expect(api.validateRequest({ method: 'GET', url: 'http://x/2/0/workspaces' })).toEqual([])
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fromSchema } from '@openapi-contrib/openapi-schema-to-json-schema'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ajv-formats is CommonJS with a default export; under NodeNext its namespace holds `default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv

type Json = Record<string, unknown>
export type HttpMethodName = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

/** A request as seen on the wire. `url` may be absolute, or a path such as `/2/0/models`. */
export interface RequestToCheck {
  method: string
  url: string
  /** Extra query parameters (merged with the URL's). */
  query?: Record<string, string | string[]>
  /** Parsed JSON body, if any. */
  body?: unknown
  headers?: Record<string, string>
}

export interface ResponseToCheck {
  status: number
  /** Parsed JSON body, when the response was JSON. */
  body?: unknown
  contentType?: string
}

export interface Problem {
  /** Where: `path`, `query.limit`, `body/items/0/name`, `response 200 body/...`. */
  where: string
  message: string
}

/** Which spec an operation came from, and its (base-path-free) template. */
export interface OperationMatch {
  api: 'integration' | 'authentication' | 'oauth'
  method: HttpMethodName
  template: string
  params: Record<string, string>
  operation: Json
}

/** A known mismatch between the spec and real Anaplan (or our documented choice). */
export interface SpecException {
  method: HttpMethodName | '*'
  /** Template (as in the spec, without the base path) or a RegExp over the concrete path. */
  path: string | RegExp
  /** What not to report. */
  kind: 'unknown-operation' | 'request-body' | 'response-body' | 'response-status' | 'query'
  /**
   * For `request-body`/`response-body`: drop only the problems this matches (the rest of the body
   * is still checked). Without it, the whole body check is skipped.
   */
  problem?: { where: RegExp; message: RegExp }
  /** For `query`: the undeclared parameters it excuses. @default offset, limit and sort */
  query?: string[]
  reason: string
}

/**
 * Documented deviations. Each one names its source in reference/anaplan-api.md.
 */
export const SPEC_EXCEPTIONS: SpecException[] = [
  {
    method: 'POST',
    path: /\/(imports|exports|processes|actions)\/[^/]+\/tasks$/,
    kind: 'request-body',
    reason:
      'Task starts take {localeName, mappingParameters?} (§5.5, Anaplan help), but the spec declares no requestBody.',
  },
  {
    method: 'PUT',
    path: /\/lists\/[^/]+\/items$/,
    kind: 'request-body',
    reason:
      "List item update takes {items:[…]} (§6.3, the spec's own description), but the spec declares no requestBody.",
  },
  {
    method: 'POST',
    path: /\/files\/[^/]+\/complete$/,
    kind: 'request-body',
    reason:
      'Completing a streamed upload sends the file metadata {id, name, chunkCount} (§5.4, Postman, SDK); the spec declares no body.',
  },
  {
    method: 'DELETE',
    path: /\/(imports|exports|processes|actions)\/[^/]+\/tasks\/[^/]+$/,
    kind: 'unknown-operation',
    reason:
      'Task cancel (DELETE on the task) is documented by Anaplan (§5.5) and Anaplan Connect, not by the spec.',
  },
  {
    method: 'GET',
    path: /\/processes\/[^/]+\/tasks\/[^/]+\/dumps\/[^/]+\/chunks(\/[^/]+)?$/,
    kind: 'unknown-operation',
    reason: 'Nested process dumps (§5.6, Anaplan help 40ed2126) are missing from the spec.',
  },
  {
    method: 'POST',
    path: '/token/authenticate',
    kind: 'request-body',
    reason:
      'The spec names the certificate fields certificateChain/signature; Anaplan uses encodedData/encodedSignedData (§2.3).',
  },
  {
    method: 'POST',
    path: /\/workspaces\/[^/]+\/models\/[^/]+\/status$/,
    kind: 'unknown-operation',
    reason: 'The enveloped POST model status is on the help pages (§5.2), not in the spec.',
  },
  {
    method: 'GET',
    path: /\/workspaces\/[^/]+\/models\/[^/]+\/status$/,
    kind: 'unknown-operation',
    reason: 'Workspace form of GET model status (§5.2 path duality), not in the spec.',
  },
  {
    method: 'GET',
    path: /\/(imports|exports|processes|actions)\/[^/]+\/tasks$/,
    kind: 'query',
    reason: 'Task lists accept offset/limit/sort like every paged listing (§4.2, §5.5).',
  },
  {
    method: 'POST',
    path: /\/views\/[^/]+\/readRequests$/,
    kind: 'request-body',
    reason:
      "A view read request takes {exportType} (§6.2; the spec's own description lists the layouts), but the spec declares no requestBody.",
  },
  {
    method: '*',
    path: /\/lists\/[^/]+\/readRequests\/[^/]+(\/pages\/[^/]+)?$/,
    kind: 'unknown-operation',
    reason:
      'List read request status, pages and delete (§6.3, Anaplan help 741ca811, 6216fdd8, 50cae78a) mirror the view ones; the spec has only the POST.',
  },
  {
    method: 'GET',
    path: /\/users(\/[^/]+)?$|\/workspaces\/[^/]+\/(admins|visitors)$/,
    kind: 'response-body',
    problem: { where: /\/email$/, message: /^must match pattern/ },
    reason:
      "The spec's User.email pattern is double-escaped (`\\\\.` demands a literal backslash before every dot), so no real address matches it; the rest of the user object is still checked.",
  },
  {
    method: 'GET',
    path: /\/models\/[^/]+\/lineItems$/,
    kind: 'query',
    query: ['includeAll'],
    reason:
      "All of a model's line items take includeAll=true like one module's (§6.1, Postman); the spec declares it on the module form only.",
  },
  {
    method: '*',
    path: /.*/,
    kind: 'query',
    reason: 'offset/limit/sort are accepted on every paged listing (§4.2), the spec declares them on few.',
  },
]

const PAGING_QUERY = new Set(['offset', 'limit', 'sort'])

interface LoadedApi {
  name: OperationMatch['api']
  basePath: string
  doc: Json
  id: string
}

interface CompiledOp {
  match: Omit<OperationMatch, 'params'>
  regex: RegExp
  names: string[]
  literalSegments: number
}

/** Validator over the three Anaplan specs (integration, authentication, oauth). */
export class AnaplanOpenApi {
  readonly #ajv: Ajv
  readonly #ops: CompiledOp[] = []
  readonly #apis: LoadedApi[] = []
  readonly #validators = new Map<object, ValidateFunction>()
  readonly exceptions: SpecException[]

  constructor(dir: string, exceptions: SpecException[] = SPEC_EXCEPTIONS) {
    this.exceptions = exceptions
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
    addFormats(this.#ajv)
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'password']) {
      if (!this.#ajv.formats[f]) this.#ajv.addFormat(f, true)
    }
    for (const file of readdirSync(dir).filter((n) => n.endsWith('-openapi.json'))) {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json
      const name = file.replace('-openapi.json', '') as OperationMatch['api']
      const server = ((doc.servers as { url: string }[] | undefined) ?? [])[0]?.url ?? ''
      const basePath = server ? new URL(server).pathname.replace(/\/+$/, '') : ''
      const api: LoadedApi = { name, basePath, doc, id: `anaplan-${name}` }
      this.#apis.push(api)
      const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, object>
      const converted: Record<string, object> = {}
      for (const [k, s] of Object.entries(schemas)) converted[k] = convert(s)
      this.#ajv.addSchema({ $id: api.id, components: { schemas: converted } })
      for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
        for (const [m, op] of Object.entries(item)) {
          if (!['get', 'post', 'put', 'delete', 'patch'].includes(m)) continue
          const parameters = [
            ...((item.parameters as Json[]) ?? []),
            ...(((op as Json).parameters as Json[]) ?? []),
          ]
          const names: string[] = []
          const norm = template.replace(/\/+$/, '') || '/'
          const regex = new RegExp(
            `^${norm
              .split('/')
              .map((seg) =>
                seg.replace(/\{([^}]+)\}|[^{}]+/g, (whole, p: string | undefined) => {
                  if (p) {
                    names.push(p)
                    return '([^/]+)'
                  }
                  return escapeRegex(whole)
                }),
              )
              .join('/')}$`,
          )
          this.#ops.push({
            match: {
              api: name,
              method: m.toUpperCase() as HttpMethodName,
              template,
              operation: { ...(op as Json), parameters: parameters.map((p) => this.#deref(api, p)) },
            },
            regex,
            names,
            literalSegments: norm.split('/').filter((s) => s && !s.includes('{')).length,
          })
        }
      }
    }
    // Literal segments beat parameters: `/models/{id}/lineItems` before `/models/{id}/{x}`.
    this.#ops.sort((a, b) => b.literalSegments - a.literalSegments)
  }

  #deref(api: LoadedApi, node: Json): Json {
    let cur = node
    for (let i = 0; i < 5 && typeof cur.$ref === 'string'; i++) {
      const ref = cur.$ref as string
      if (!ref.startsWith('#/')) break
      let target: unknown = api.doc
      for (const part of ref.slice(2).split('/')) target = (target as Json)?.[part]
      cur = (target as Json) ?? {}
    }
    return cur
  }

  /** Finds the operation for a method and a URL or path; `undefined` when the spec has none. */
  findOperation(method: string, url: string): OperationMatch | undefined {
    const pathname = toPathname(url)
    const m = method.toUpperCase()
    for (const api of this.#apis) {
      if (api.basePath && !pathname.startsWith(`${api.basePath}/`)) continue
      const rel = (api.basePath ? pathname.slice(api.basePath.length) : pathname).replace(/\/+$/, '') || '/'
      for (const op of this.#ops) {
        if (op.match.api !== api.name || op.match.method !== m) continue
        const hit = op.regex.exec(rel)
        if (!hit) continue
        const params: Record<string, string> = {}
        op.names.forEach((n, i) => {
          params[n] = decodeURIComponent(hit[i + 1] ?? '')
        })
        return { ...op.match, params }
      }
    }
    return undefined
  }

  #exceptionsFor(
    kind: SpecException['kind'],
    method: string,
    url: string,
    template?: string,
  ): SpecException[] {
    const pathname = toPathname(url)
    return this.exceptions.filter(
      (e) =>
        e.kind === kind &&
        (e.method === '*' || e.method === method.toUpperCase()) &&
        (typeof e.path === 'string'
          ? e.path === template || pathname.endsWith(e.path)
          : e.path.test(pathname)),
    )
  }

  /** True when an exception covers the whole check (not just some of its problems). */
  #excepted(kind: SpecException['kind'], method: string, url: string, template?: string): boolean {
    return this.#exceptionsFor(kind, method, url, template).some((e) => !e.problem)
  }

  /** Drops the problems that a targeted exception (`problem`) documents. */
  #withoutExcepted(
    problems: Problem[],
    kind: SpecException['kind'],
    method: string,
    url: string,
    template?: string,
  ): Problem[] {
    const targeted = this.#exceptionsFor(kind, method, url, template).filter((e) => e.problem)
    if (!targeted.length) return problems
    return problems.filter(
      (p) => !targeted.some((e) => e.problem!.where.test(p.where) && e.problem!.message.test(p.message)),
    )
  }

  #validate(api: OperationMatch['api'], schema: object, value: unknown, where: string): Problem[] {
    let v = this.#validators.get(schema)
    if (!v) {
      v = this.#ajv.compile(rewriteRefs(convert(schema), `anaplan-${api}`))
      this.#validators.set(schema, v)
    }
    if (v(value)) return []
    return (v.errors ?? []).map((e) => ({
      where: `${where}${e.instancePath || ''}`,
      message: `${e.message ?? 'invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
    }))
  }

  /** Checks a request: known operation, path/query parameters, JSON body. */
  validateRequest(req: RequestToCheck): Problem[] {
    const method = req.method.toUpperCase()
    const op = this.findOperation(method, req.url)
    if (!op) {
      if (this.#excepted('unknown-operation', method, req.url)) return []
      return [
        {
          where: 'path',
          message: `No operation ${method} ${toPathname(req.url)} in the Anaplan OpenAPI description`,
        },
      ]
    }
    const problems: Problem[] = []
    const params = (op.operation.parameters as Json[]) ?? []
    for (const p of params.filter((x) => x.in === 'path')) {
      const value = op.params[p.name as string]
      if (p.schema)
        problems.push(...this.#validate(op.api, p.schema as object, value, `path.${p.name as string}`))
    }
    const query = collectQuery(req)
    const declared = new Map(params.filter((x) => x.in === 'query').map((x) => [x.name as string, x]))
    for (const [name, p] of declared) {
      if (p.required && !(name in query))
        problems.push({ where: `query.${name}`, message: 'required but missing' })
    }
    for (const [name, values] of Object.entries(query)) {
      const p = declared.get(name)
      if (!p) {
        const excused = this.#exceptionsFor('query', method, req.url, op.template).some((e) =>
          (e.query ? new Set(e.query) : PAGING_QUERY).has(name),
        )
        if (excused) continue
        problems.push({ where: `query.${name}`, message: 'not a declared query parameter' })
        continue
      }
      if (!p.schema) continue
      const schema = p.schema as Json
      if (schema.type === 'array') {
        // Repeated keys and comma-separated values are both accepted by Anaplan (e.g. `pages`).
        const items = values.flatMap((v) => v.split(','))
        const itemSchema = (schema.items ?? {}) as Json
        problems.push(
          ...this.#validate(
            op.api,
            schema,
            items.map((i) => coerce(i, itemSchema)),
            `query.${name}`,
          ),
        )
        continue
      }
      for (const raw of values) {
        problems.push(...this.#validate(op.api, schema, coerce(raw, schema), `query.${name}`))
      }
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    )
    for (const p of params.filter((x) => x.in === 'header')) {
      const value = headers[(p.name as string).toLowerCase()]
      if (value !== undefined && p.schema) {
        problems.push(...this.#validate(op.api, p.schema as object, value, `header.${p.name as string}`))
      }
    }
    const rb = op.operation.requestBody
      ? this.#deref(this.#apiOf(op.api), op.operation.requestBody as Json)
      : undefined
    const skipBody = this.#excepted('request-body', method, req.url, op.template)
    if (!skipBody) {
      const bodyProblems: Problem[] = []
      if (!rb && req.body !== undefined) {
        bodyProblems.push({ where: 'body', message: 'the operation declares no request body' })
      } else if (rb) {
        const content = (rb.content ?? {}) as Record<string, Json>
        const jsonSchema = content['application/json']?.schema as object | undefined
        if (req.body === undefined) {
          if (rb.required && jsonSchema) bodyProblems.push({ where: 'body', message: 'required but missing' })
        } else if (jsonSchema) {
          bodyProblems.push(...this.#validate(op.api, jsonSchema, req.body, 'body'))
        }
      }
      problems.push(...this.#withoutExcepted(bodyProblems, 'request-body', method, req.url, op.template))
    }
    return problems
  }

  /** Checks a response: documented status, and the JSON body against its schema. */
  validateResponse(req: { method: string; url: string }, res: ResponseToCheck): Problem[] {
    const method = req.method.toUpperCase()
    const op = this.findOperation(method, req.url)
    if (!op) {
      if (this.#excepted('unknown-operation', method, req.url)) return []
      return [
        {
          where: 'path',
          message: `No operation ${method} ${toPathname(req.url)} in the Anaplan OpenAPI description`,
        },
      ]
    }
    const responses = (op.operation.responses ?? {}) as Record<string, Json>
    const declared =
      responses[String(res.status)] ?? responses[`${String(res.status)[0]}XX`] ?? responses.default
    if (!declared) {
      if (this.#excepted('response-status', method, req.url, op.template)) return []
      return [
        {
          where: `response ${res.status}`,
          message: `status not documented (documented: ${Object.keys(responses).join(', ')})`,
        },
      ]
    }
    if (res.body === undefined || this.#excepted('response-body', method, req.url, op.template)) return []
    const r = this.#deref(this.#apiOf(op.api), declared)
    const content = (r.content ?? {}) as Record<string, Json>
    const type = (res.contentType ?? 'application/json').split(';')[0]!.trim()
    const schema = (content[type]?.schema ?? content['application/json']?.schema) as object | undefined
    if (!schema) return []
    const problems = this.#validate(op.api, schema, res.body, `response ${res.status} body`)
    return this.#withoutExcepted(problems, 'response-body', method, req.url, op.template)
  }

  #apiOf(name: OperationMatch['api']): LoadedApi {
    return this.#apis.find((a) => a.name === name)!
  }
}

function convert(schema: object): object {
  const out = fromSchema(schema as Json, { cloneSchema: true }) as Json
  delete out.$schema
  return out
}

function rewriteRefs(node: unknown, id: string): never {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, id)) as never
  if (!node || typeof node !== 'object') return node as never
  const out: Json = {}
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${id}${v}` : rewriteRefs(v, id)
  }
  return out as never
}

function toPathname(url: string): string {
  try {
    return new URL(url, 'http://localhost').pathname
  } catch {
    return url.split('?')[0] ?? url
  }
}

function collectQuery(req: RequestToCheck): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const add = (k: string, v: string) => {
    const list = out[k] ?? []
    list.push(v)
    out[k] = list
  }
  const u = new URL(req.url, 'http://localhost')
  for (const [k, v] of u.searchParams) add(k, v)
  for (const [k, v] of Object.entries(req.query ?? {})) for (const x of Array.isArray(v) ? v : [v]) add(k, x)
  return out
}

function coerce(raw: string, schema: Json): unknown {
  const type = schema.type
  if (type === 'integer' || type === 'number')
    return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw
  return raw
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The spec folder: `$ANAPLAN_OPENAPI_DIR`, else `../shared/anaplan-openapi` relative to the repo root
 * (CI checks `shared/` out beside the clone), else `/work/shared/anaplan-openapi`.
 */
export function openApiDir(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
  const candidates = [
    process.env.ANAPLAN_OPENAPI_DIR,
    resolve(root, '..', 'shared', 'anaplan-openapi'),
    '/work/shared/anaplan-openapi',
  ].filter((c): c is string => !!c)
  const found = candidates.find((c) => existsSync(join(c, 'integration-openapi.json')))
  if (!found) throw new Error(`Anaplan OpenAPI description not found (looked in ${candidates.join(', ')})`)
  return found
}

let cached: AnaplanOpenApi | undefined

/** The validator over the shared specs, loaded once per test worker. */
export function loadAnaplanOpenApi(): AnaplanOpenApi {
  cached ??= new AnaplanOpenApi(openApiDir())
  return cached
}

/** Formats problems for an assertion message. */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.where}: ${p.message}`).join('\n')
}

/** One request captured by {@link recordingFetch}. */
export interface RecordedCall {
  method: string
  url: string
  headers: Record<string, string>
  /** Parsed JSON body when the request had one. */
  body?: unknown
  status?: number
}

/**
 * Wraps a fetch so every request (and its status) is recorded for contract checks.
 * @example
 * const rec = recordingFetch()
 * const client = new AnaplanClient({ ..., fetch: rec.fetch })
 * expect(rec.calls.flatMap((c) => api.validateRequest(c))).toEqual([])
 */
export function recordingFetch(inner: typeof fetch = globalThis.fetch): {
  fetch: typeof fetch
  calls: RecordedCall[]
} {
  const calls: RecordedCall[] = []
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v
    })
    const call: RecordedCall = { method: (init?.method ?? 'GET').toUpperCase(), url, headers }
    const ct = headers['content-type'] ?? ''
    if (typeof init?.body === 'string' && ct.includes('json')) {
      try {
        call.body = JSON.parse(init.body) as unknown
      } catch {
        call.body = init.body
      }
    }
    calls.push(call)
    const res = await inner(input, init)
    call.status = res.status
    return res
  }) as typeof fetch
  return { fetch: wrapped, calls }
}
