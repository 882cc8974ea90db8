/**
 * What every command gets: the output sink, progress bars, the settings, the interrupt signal and a
 * lazily created client. Everything that touches the outside world is injected through {@link CliIo},
 * so tests run commands in-process with buffers and the simulator.
 */
import {
  AnaplanClient,
  type AnaplanClientOptions,
  type ModelScope,
  type RequestOptions,
} from '../anaplan/index.ts'
import { UsageError } from './exit-codes.ts'
import { Output, type TextSink } from './output.ts'
import { createProgress, type Progress, progressWanted } from './progress.ts'
import { credentialsOf, type Env, type GlobalOptions, resolveSettings, type Settings } from './settings.ts'

/** The process boundary of the CLI. */
export interface CliIo {
  stdout: TextSink & NodeJS.WritableStream
  stderr: TextSink & NodeJS.WritableStream
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  env: Env
  /** Fires on Ctrl-C. */
  signal?: AbortSignal
  /** Injected into the client (tests). */
  fetch?: typeof fetch
  /** Prompt for a yes/no answer on a terminal; the default reads a line from stdin. */
  confirm?: (question: string) => Promise<boolean>
}

/** Per-invocation state shared by the commands. */
export class CliContext {
  readonly io: CliIo
  readonly out: Output
  readonly progress: Progress
  readonly settings: Settings
  readonly signal: AbortSignal
  readonly yes: boolean
  /** Set by `token`: the printed token must stay valid, so it is not logged out at exit. */
  keepToken = false
  #client: AnaplanClient | undefined

  private constructor(io: CliIo, opts: GlobalOptions, settings: Settings) {
    this.io = io
    this.settings = settings
    const json = opts.json === true
    const quiet = opts.quiet === true
    this.out = new Output({ json, quiet, stdout: io.stdout, stderr: io.stderr })
    this.progress = createProgress(
      io.stderr,
      progressWanted({ isTTY: io.stderr.isTTY === true, json, quiet, progress: opts.progress !== false }),
    )
    this.signal = io.signal ?? new AbortController().signal
    this.yes = opts.yes === true
  }

  /** Resolves settings from the global options and the environment. */
  static async create(io: CliIo, opts: GlobalOptions): Promise<CliContext> {
    const settings = await resolveSettings(opts, io.env, () => readAll(io.stdin))
    return new CliContext(io, opts, settings)
  }

  /**
   * The client, created on first use. Secrets (a Secret Manager version, a PEM file) are read on the
   * first authentication, not before.
   * @throws {UsageError} When no credentials are configured.
   */
  client(): AnaplanClient {
    if (this.#client) return this.#client
    const s = this.settings
    const source = s.credentials
    if (!source) {
      throw new UsageError(
        'no credentials: set ANAPLAN_USERNAME and ANAPLAN_PASSWORD (or ANAPLAN_CERTIFICATE/ANAPLAN_PRIVATE_KEY, ANAPLAN_CREDENTIALS_SECRET), or use --user with --password-stdin, or --cert and --key',
      )
    }
    const options: AnaplanClientOptions = {
      authUrl: s.authUrl,
      apiUrl: s.apiUrl,
      credentialsProvider: () => credentialsOf(source),
      userAgent: 'anaplan-cli/0.1',
      ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
    }
    this.#client = new AnaplanClient(options)
    return this.#client
  }

  /** Request options carrying the Ctrl-C signal. */
  get request(): RequestOptions {
    return { signal: this.signal }
  }

  /**
   * The selected model (`--model`, or `ANAPLAN_MODEL`), in `--workspace` when given.
   * @throws {UsageError} When no model is selected.
   */
  async scope(): Promise<ModelScope> {
    const { model, workspace } = this.settings
    if (!model) throw new UsageError('no model selected: pass --model NAME|ID or set ANAPLAN_MODEL')
    return this.client().model({ model, ...(workspace ? { workspace } : {}) }, this.request)
  }

  /** Logs the session's token out (unless `token` printed it). Never throws. */
  async close(): Promise<void> {
    if (!this.#client || this.keepToken) return
    await this.#client.close().catch(() => undefined)
  }
}

/** Reads a whole stream as text (for `--password-stdin`). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(parts).toString('utf8')
}
