/**
 * Per-instance state of the functions: the configuration, the logger, and one Anaplan client (so
 * one token manager) per instance, created on first use. Credentials are read once, through a
 * memoised promise; a failed read is not cached, so the next call tries again.
 *
 * A busy instance therefore authenticates once and then refreshes the token before it expires,
 * however many invocations it serves.
 */
import { createLogger, type Logger, registerSecret } from '../../shared/logger.ts'
import { AnaplanClient, type AnaplanClientOptions, type AnaplanCredentials, ConfigError } from './anaplan.ts'
import { type Env, type FunctionsConfig, readFunctionsConfig } from './config.ts'
import { CredentialsUnavailableError, FunctionError } from './http-error.ts'

/** Where the credentials come from, and how to read them. */
export interface CredentialsLoader {
  /** Names the source for error messages: a secret version, an ARN, or environment variable names. */
  readonly source: string
  load(): Promise<AnaplanCredentials>
}

export interface FunctionRuntimeOptions {
  /** @default process.env */
  env?: Env
  /** Overrides the configuration read from `env`. */
  config?: Partial<FunctionsConfig>
  /** The credential source. @default chosen from `env` by `defaultCredentialsLoader` (set by the entry point) */
  credentials?: CredentialsLoader
  /** @default a Cloud Logging JSON logger on stdout */
  logger?: Logger
  /** Passed to the client (tests inject `fetch`, `now`...). */
  client?: Partial<Omit<AnaplanClientOptions, 'credentials' | 'credentialsProvider'>>
  /** @default Date.now */
  now?: () => number
}

/** The state one function instance keeps between invocations. */
export class FunctionRuntime {
  readonly config: FunctionsConfig
  readonly logger: Logger
  readonly now: () => number
  readonly #loader: CredentialsLoader | undefined
  readonly #clientOptions: FunctionRuntimeOptions['client']
  #credentials: Promise<AnaplanCredentials> | undefined
  #client: AnaplanClient | undefined
  #warned = false

  constructor(options: FunctionRuntimeOptions = {}) {
    this.config = { ...readFunctionsConfig(options.env ?? process.env), ...options.config }
    this.logger = options.logger ?? createLogger({ name: 'functions' })
    this.now = options.now ?? Date.now
    this.#loader = options.credentials
    this.#clientOptions = options.client
  }

  /** Names the credential source (for health output and error messages). */
  get credentialSource(): string {
    return this.#loader?.source ?? 'none configured'
  }

  /** Whether credentials have been read successfully in this instance. */
  get credentialsLoaded(): boolean {
    return this.#client !== undefined && this.#client.tokens.current() !== null
  }

  /**
   * The credentials, read once per instance. Every secret value is registered with the logger so it
   * is masked if it ever reaches a log line.
   * @throws {CredentialsUnavailableError} naming the source, never the value.
   */
  credentials(): Promise<AnaplanCredentials> {
    if (!this.#credentials) {
      const p = this.#load()
      this.#credentials = p
      p.catch(() => {
        if (this.#credentials === p) this.#credentials = undefined
      })
    }
    return this.#credentials
  }

  async #load(): Promise<AnaplanCredentials> {
    const loader = this.#loader
    if (!loader) {
      throw new FunctionError(
        500,
        'configuration_error',
        'No Anaplan credentials are configured: set ANAPLAN_CREDENTIALS_SECRET (GCP), ANAPLAN_CREDENTIALS_AWS_SECRET (AWS), or ANAPLAN_USERNAME and ANAPLAN_PASSWORD',
      )
    }
    let creds: AnaplanCredentials
    try {
      creds = await loader.load()
    } catch (error) {
      if (error instanceof FunctionError) throw error
      throw new CredentialsUnavailableError(loader.source, describeLoadFailure(error), error)
    }
    for (const v of secretValues(creds)) registerSecret(v)
    this.logger.info({ source: loader.source, kind: creds.kind }, 'Anaplan credentials loaded')
    return creds
  }

  /** The instance's Anaplan client, created on first use. */
  client(): AnaplanClient {
    if (!this.#client) {
      this.#client = new AnaplanClient({
        authUrl: this.config.authUrl,
        apiUrl: this.config.apiUrl,
        credentialsProvider: () => this.credentials(),
        logger: this.logger,
        now: this.now,
        ...this.#clientOptions,
      })
    }
    return this.#client
  }

  /** Says once, at start, when a function will refuse to serve for want of caller authentication. */
  warnIfUnprotected(functionName: string): void {
    if (this.config.sharedKey || this.config.platformInvokerAuth || this.#warned) return
    this.#warned = true
    this.logger.error(
      { function: functionName },
      `${functionName} will not serve: set FUNCTION_SHARED_KEY, or FUNCTION_INVOKER_AUTH=platform behind Cloud Run IAM or a Lambda authorizer`,
    )
  }

  /** Logs out the held token (tests and graceful shutdown). */
  async close(): Promise<void> {
    await this.#client?.close()
  }
}

function secretValues(c: AnaplanCredentials): (string | undefined)[] {
  switch (c.kind) {
    case 'basic':
      return [c.password]
    case 'certificate':
      return [c.privateKey]
    case 'oauth':
      return [c.refreshToken, c.clientSecret]
    case 'token':
      return [c.tokenValue]
  }
}

/**
 * A short reason for a failed read. Only the error's class and code are kept, plus messages of
 * errors known not to quote the payload: a JSON parse error, for one, echoes the text it choked on.
 */
function describeLoadFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error'
  const code = (error as { code?: unknown }).code
  const codeText =
    typeof code === 'number'
      ? ` (${GRPC_CODES[code] ?? `code ${code}`})`
      : typeof code === 'string'
        ? ` (${code})`
        : ''
  if (error instanceof SyntaxError) return `the secret is not in a recognised format${codeText}`
  // The shared secret loader writes ConfigError messages for people: they name, never quote.
  if (error instanceof ConfigError) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : ''
    return `${error.message}${cause}`
  }
  return `${error.name}${codeText}`
}

/** gRPC status names, as Secret Manager and KMS clients report them in `code`. */
const GRPC_CODES: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
}
