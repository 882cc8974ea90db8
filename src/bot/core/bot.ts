/**
 * The conversation core: `process(turn)` runs one middleware chain (session, understanding,
 * asking back, policy, confirmation, handler) and returns the reply; long work continues in the
 * background and reports through `subscribe` listeners and the session outbox.
 */
import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { type Logger, silentLogger } from '../../shared/logger.ts'
import { MIN_CONFIDENCE, Nlu, TIE_MARGIN } from '../nlu/nlu.ts'
import type { Vocabulary } from '../nlu/vocabulary.ts'
import { candidatesOf, questionFits } from '../query/connect.ts'
import { isQuestion, type Question } from '../query/question.ts'
import {
  namedTarget,
  parametersOf,
  questionStep,
  unconnectedCommand,
  understandQuestion,
} from '../query/turn.ts'
import type { AnaplanClientProvider, BotAnaplanClient, ModelScope } from './anaplan.ts'
import type { AuditEntry, AuditSink } from './audit.ts'
import { MemoryAuditSink } from './audit.ts'
import { intentByName, intentLabel } from './catalog.ts'
import {
  cleanParameters,
  confirmationOptions,
  encodeChoice,
  matchOffered,
  namedOption,
  ownEntry,
  parseChoice,
  rememberOffered,
} from './choices.ts'
import { type BotServices, type Middleware, runMiddleware, type TurnContext } from './context.ts'
import { DiskDownloadStore, type DownloadStore } from './downloads.ts'
import { errorCode, errorReply } from './error-reply.ts'
import { BotError, type BotErrorCode } from './errors.ts'
import { watchTask } from './handlers/actions.ts'
import { fallback, offerable, THANKS_RE } from './handlers/general.ts'
import { HANDLERS, READS } from './handlers/index.ts'
import { checkTextLength, inputRefusal } from './limits.ts'
import { MetadataCache } from './metadata.ts'
import {
  allows,
  type BotPolicy,
  type Capability,
  DEFAULT_POLICY,
  matchRule,
  permissionFor,
  refusalText,
} from './policy.ts'
import {
  emptySession,
  MemorySessionStore,
  type PendingConfirmation,
  type SessionState,
  type SessionStore,
} from './session.ts'
import { SessionRepository, startingPoint } from './session-repository.ts'
import { suggestQuestions } from './suggestions.ts'
import type { Bot, BotReply, Identity, Message, Notification, SessionInfo, Turn } from './types.ts'

export interface CreateBotOptions {
  /** One client for everyone, or a provider that picks a client per identity and credentials profile. */
  anaplan: AnaplanClientProvider | BotAnaplanClient
  /** @default DEFAULT_POLICY: everyone reads, nobody changes anything */
  policy?: BotPolicy
  /** @default a MemoryAuditSink */
  audit?: AuditSink
  /** @default a MemorySessionStore */
  store?: SessionStore
  /** @default a DiskDownloadStore in a temp folder */
  downloads?: DownloadStore
  logger?: Logger
  /** @default Date.now */
  now?: () => number
  /** Time a turn may take when the channel sets no deadline. @default 2500 */
  replyBudgetMs?: number
  /** Poll interval while waiting for a task. @default 500 */
  pollIntervalMs?: number
  /** How long a confirmation stays valid. @default 5 min */
  confirmationTtlMs?: number
  /** How long model metadata is cached. @default 60 s */
  metadataTtlMs?: number
  /** @default 24 h */
  sessionTtlMs?: number
  /**
   * Load (or train) the NLU classifier before `createBot` resolves, so the first utterance does not
   * wait for it. Off for channels whose platform recognises intents itself (Dialogflow): their turns
   * never need the classifier, and it loads on the first one that does.
   * @default true
   */
  warmUp?: boolean
  /**
   * Look up the tasks the store still lists as running (started before a restart) when the bot
   * starts, record their end in the audit trail and tell their sessions. Needs a store that can
   * list its sessions (`SessionStore.entries`).
   * @default true
   */
  reconcileOnStart?: boolean
}

/** @default 2500 ms: inside Slack's 3 s with room for the channel's own work. */
export const DEFAULT_REPLY_BUDGET_MS = 2500
/** The core answers this long before a turn's deadline, leaving the channel time to send it. */
export const REPLY_MARGIN_MS = 25

/** What a turn answers when its deadline passes; the real answer follows through the outbox. */
export const STILL_WORKING_TEXT =
  "Still working on it… Anaplan is taking a moment; I'll send the answer as soon as it's ready."

/** Error codes that are the bot explaining itself to the user, logged without a warning or stack. */
const USER_OUTCOMES = new Set<BotErrorCode>([
  'confirmation_required',
  'not_permitted',
  'not_connected',
  'not_found',
  'ambiguous',
  'no_access',
  'invalid_input',
])

const CONFIRM_INTENTS = new Set(['confirm', 'deny'])

function isProvider(a: AnaplanClientProvider | BotAnaplanClient): a is AnaplanClientProvider {
  return typeof (a as AnaplanClientProvider).clientFor === 'function'
}

/** Creates the bot; with `warmUp` (the default) its NLU classifier is ready when it resolves. */
export async function createBot(options: CreateBotOptions): Promise<Bot> {
  const bot = new ConversationBot(options)
  if (options.warmUp ?? true) await bot.warmUp()
  if (options.reconcileOnStart ?? true) bot.reconcileInBackground()
  return bot
}

/**
 * Abort listeners a signal may hold before Node warns: the requests in flight on it (the bot's
 * lifetime signal serves every turn without a signal of its own).
 */
const MAX_PARALLEL_LISTENERS = 4096

class ConversationBot implements Bot {
  readonly #opts: CreateBotOptions
  readonly #now: () => number
  readonly #store: SessionStore
  readonly #sessions: SessionRepository
  readonly #audit: AuditSink
  readonly #policy: BotPolicy
  readonly #downloads: DownloadStore
  readonly #logger: Logger
  readonly #metadata: MetadataCache
  readonly #listeners = new Set<(n: Notification) => void | boolean | Promise<void | boolean>>()
  readonly #background = new Set<Promise<void>>()
  /** Per session, the delivery of an answer that missed its turn's deadline (see `process`). */
  readonly #late = new Map<string, Promise<void>>()
  readonly #abort = new AbortController()
  readonly #chain: Middleware[]
  /** The same for every turn (TurnContext.services is read-only to handlers). */
  readonly #services: BotServices
  readonly #nlus = new WeakMap<Vocabulary, Nlu>()

  constructor(options: CreateBotOptions) {
    this.#opts = options
    this.#now = options.now ?? Date.now
    this.#logger = options.logger ?? silentLogger
    this.#store =
      options.store ?? new MemorySessionStore({ now: this.#now, warn: (m) => this.#logger.warn(m) })
    this.#sessions = new SessionRepository(this.#store, {
      now: this.#now,
      ...(options.sessionTtlMs ? { ttlMs: options.sessionTtlMs } : {}),
    })
    this.#audit = options.audit ?? new MemoryAuditSink()
    this.#policy = options.policy ?? DEFAULT_POLICY
    this.#downloads = options.downloads ?? new DiskDownloadStore({ now: this.#now })
    this.#metadata = new MetadataCache({
      now: this.#now,
      ...(options.metadataTtlMs ? { ttlMs: options.metadataTtlMs } : {}),
    })
    this.#services = {
      policy: this.#policy,
      downloads: this.#downloads,
      logger: this.#logger,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      invalidate: (id) => this.#metadata.invalidate(id),
    }
    this.#chain = [
      this.#understand,
      questionStep,
      this.#askBack,
      this.#policyCheck,
      this.#confirmation,
      this.#handle,
    ]
  }

  async warmUp(): Promise<void> {
    await new Nlu({
      models: [],
      workspaces: [],
      views: [],
      actions: [],
      lists: [],
      lineItems: [],
      periods: [],
      versions: [],
    }).understand('hello')
  }

  // ------------------------------------------------------------------ public API

  async process(turn: Turn): Promise<BotReply> {
    // Before the lock, the store and the NLU: an oversized message costs nothing but this answer.
    const refusal = inputRefusal(turn)
    if (refusal) return this.#reply(turn, [{ type: 'text', text: refusal }])
    const deadline = turn.deadline ?? this.#now() + (this.#opts.replyBudgetMs ?? DEFAULT_REPLY_BUDGET_MS)
    // A late answer of this session still on its way goes first: this turn's reply carries it.
    const before = this.#late.get(turn.sessionId) ?? Promise.resolve()
    const work = before.then(() =>
      this.#sessions.withLock(turn.sessionId, () => this.#processLocked(turn, deadline)),
    )
    return this.#within(turn, deadline, work)
  }

  /**
   * The turn's reply by its deadline: the real one when it is ready, else "still working", and
   * the real one follows through the listeners and the outbox once it is (the one path for every
   * channel's late answers).
   */
  async #within(turn: Turn, deadline: number, work: Promise<BotReply>): Promise<BotReply> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - REPLY_MARGIN_MS - this.#now()), undefined)
      timer.unref?.()
    })
    const ready = await Promise.race([work, late]).finally(() => clearTimeout(timer))
    if (ready) return ready
    this.#logger.info({ session: turn.sessionId }, 'turn past its deadline: answering later')
    const deliver = (messages: Message[]) =>
      this.#notify(turn.sessionId, turn.identity, messages, undefined, turn.deliverLate)
    const delivered = work.then(
      (reply) => deliver(reply.messages),
      (err: unknown) => {
        this.#logger.error({ err, session: turn.sessionId }, 'late turn failed')
        return deliver([{ type: 'text', text: 'Sorry, that request failed on my side. Please try again.' }])
      },
    )
    const settled = delivered.catch(() => undefined)
    this.#late.set(turn.sessionId, settled)
    void settled.then(() => {
      if (this.#late.get(turn.sessionId) === settled) this.#late.delete(turn.sessionId)
    })
    this.#track(delivered)
    return { ...this.#reply(turn, [{ type: 'text', text: STILL_WORKING_TEXT }]), stillWorking: true }
  }

  #reply(turn: Turn, messages: Message[]): BotReply {
    return {
      sessionId: turn.sessionId,
      intent: { name: turn.recognized?.intent ?? 'fallback', confidence: 0 },
      parameters: {},
      messages,
    }
  }

  #track(p: Promise<unknown>): void {
    const tracked = p.then(
      () => undefined,
      (e: unknown) => this.#logger.error({ err: e }, 'background work failed'),
    )
    this.#background.add(tracked)
    void tracked.finally(() => this.#background.delete(tracked))
  }

  async understand(
    text: string,
    sessionId?: string,
    caller?: Identity,
  ): Promise<{
    intent: { name: string; confidence: number }
    parameters: Record<string, unknown>
    question?: Question
  }> {
    checkTextLength(text)
    const session = sessionId ? (await this.#sessions.load(sessionId))?.value : undefined
    // Names come through the caller's own Anaplan profile; without a caller, the default client's.
    const identity: Identity = caller ?? { channel: 'api', userId: 'nlu' }
    const client = this.#clientFor(identity)
    // No connected model: the names of every model the default identity can open.
    const nlu = session?.connected
      ? await this.#nluFor(client, session, identity)
      : await this.#pooledNlu(client, identity)
    const r = await nlu.understand(text)
    const c = session?.connected
    if (
      !c &&
      !unconnectedCommand(r.intent, r.parameters, text, Boolean(session?.pending)) &&
      !namedTarget(r.intent, r.parameters)
    ) {
      // As a chat turn before connecting: a question in the one model whose names it uses.
      const fits = await questionFits(text, candidatesOf(nlu.vocabulary.models, client))
      const only = fits.length === 1 ? fits[0] : undefined
      if (only) {
        const confidence = Math.max(r.intent.confidence, 0.9)
        return {
          intent: { name: 'read_cell', confidence },
          question: only.question,
          parameters: parametersOf(only.question),
        }
      }
    }
    if (c) {
      try {
        const scope = await client.model({ workspace: c.workspaceId, model: c.modelId })
        const q = await understandQuestion(
          scope,
          text,
          session?.focus?.question,
          r.intent,
          r.parameters,
          Boolean(session?.pending),
        )
        if (q && 'offTopic' in q)
          return { intent: { name: 'fallback', confidence: r.intent.confidence }, parameters: {} }
        if (q) return { intent: { name: 'read_cell', confidence: Math.max(r.intent.confidence, 0.9) }, ...q }
      } catch (e) {
        this.#logger.debug({ err: e }, 'question understanding skipped')
      }
    }
    return { intent: r.intent, parameters: r.parameters }
  }

  subscribe(listener: (n: Notification) => void | boolean | Promise<void | boolean>): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async drainPending(sessionId: string): Promise<Message[]> {
    let drained: Message[] = []
    await this.#sessions.withLock(sessionId, () =>
      this.#sessions.update(sessionId, (s) => {
        drained = s.outbox
        s.outbox = []
      }),
    )
    return drained
  }

  /** Starts {@link reconcile} without waiting for it; `close()` waits. */
  reconcileInBackground(): void {
    this.#track(this.reconcile())
  }

  /**
   * Looks up every task the store lists as running (its watcher died with an earlier process or
   * lost track of it): a task that ended gets its audit line and a message to its session; one
   * still running is watched again. Returns how many tasks were looked at.
   */
  async reconcile(): Promise<number> {
    const entries = this.#store.entries?.()
    if (!entries) return 0
    let n = 0
    for await (const [sessionId, { value }] of entries) {
      for (const t of value.tasks) {
        if (t.state !== 'running') continue
        n++
        const identity = t.identity ?? { channel: 'api', userId: 'reconcile' }
        this.#track(
          watchTask(
            {
              client: this.#clientFor(identity),
              pollIntervalMs: this.#opts.pollIntervalMs ?? 500,
              signal: this.#abort.signal,
              audit: (e) =>
                this.#writeAudit({ ...e, ts: new Date(this.#now()).toISOString(), identity, sessionId }),
              notify: (messages, update) => this.#notify(sessionId, identity, messages, update),
            },
            t,
          ),
        )
      }
    }
    return n
  }

  async prefetch(identity: Identity = { channel: 'api', userId: 'prefetch' }): Promise<void> {
    try {
      await this.#metadata.tenant(this.#profileKey(identity), this.#clientFor(identity))
    } catch (e) {
      this.#logger.debug({ err: e }, 'metadata prefetch failed; the first turn loads it')
    }
  }

  async sessionInfo(sessionId: string, identity: Identity): Promise<SessionInfo> {
    const session = (await this.#store.get(sessionId))?.value
    const c = session?.connected
    let suggestions: string[] = []
    try {
      const v = await this.#vocabularyFor(this.#clientFor(identity), session, identity)
      suggestions = suggestQuestions(v, c?.modelName)
    } catch (e) {
      // Suggestions are a convenience: the page works without them.
      this.#logger.debug({ err: e }, 'no suggestions')
    }
    return {
      known: session !== undefined,
      ...(c ? { model: c.modelName, workspace: c.workspaceName } : {}),
      suggestions,
    }
  }

  async close(): Promise<void> {
    this.#abort.abort()
    await Promise.allSettled([...this.#background])
    await this.#audit.close?.()
    await this.#store.close?.()
    if (isProvider(this.#opts.anaplan)) await this.#opts.anaplan.close?.()
  }

  // ------------------------------------------------------------------ plumbing

  #clientFor(identity: Identity): BotAnaplanClient {
    const a = this.#opts.anaplan
    if (!isProvider(a)) return a
    const profile = matchRule(this.#policy, identity)?.anaplanUser
    return a.clientFor(identity, profile ? { profile } : {})
  }

  #profileKey(identity: Identity): string {
    return isProvider(this.#opts.anaplan)
      ? (matchRule(this.#policy, identity)?.anaplanUser ?? 'default')
      : 'default'
  }

  async #nluFor(
    client: BotAnaplanClient,
    session: SessionState | undefined,
    identity: Identity,
  ): Promise<Nlu> {
    return this.#nluOf(await this.#vocabularyFor(client, session, identity))
  }

  /**
   * Before connecting, the names of every model the identity may read: "open the headcount view"
   * is a view of one of them, not a listing of none. Loaded only for a text that is not a command
   * (a connection needs no model's names).
   */
  async #pooledNlu(client: BotAnaplanClient, identity: Identity): Promise<Nlu> {
    return this.#nluOf(
      await this.#metadata.accessible(
        this.#profileKey(identity),
        client,
        (m) => permissionFor(this.#policy, identity, m).read,
      ),
    )
  }

  /**
   * One Nlu per vocabulary object: building its entity index costs more than understanding a
   * sentence, and a vocabulary is the same object for as long as the metadata cache keeps it.
   */
  #nluOf(vocabulary: Vocabulary): Nlu {
    let nlu = this.#nlus.get(vocabulary)
    if (!nlu) {
      nlu = new Nlu(vocabulary)
      this.#nlus.set(vocabulary, nlu)
    }
    return nlu
  }

  async #vocabularyFor(client: BotAnaplanClient, session: SessionState | undefined, identity: Identity) {
    const key = this.#profileKey(identity)
    const c = session?.connected
    if (!c) return this.#metadata.tenant(key, client)
    const scope = await client.model({ workspace: c.workspaceId, model: c.modelId })
    return this.#metadata.model(key, client, scope)
  }

  async #notify(
    sessionId: string,
    identity: Identity,
    messages: Message[],
    update?: (s: SessionState) => void,
    first?: (messages: Message[]) => Promise<boolean>,
  ): Promise<void> {
    let delivered = false
    if (first && messages.length) {
      try {
        delivered = await first(messages)
      } catch (e) {
        this.#logger.warn({ err: e }, 'late reply could not be delivered where the turn asked')
      }
    }
    for (const l of messages.length && !delivered ? this.#listeners : []) {
      try {
        if ((await l({ sessionId, identity, messages })) === true) delivered = true
      } catch (e) {
        this.#logger.warn({ err: e }, 'notification listener failed')
      }
    }
    // Messages no listener delivered wait in the outbox, so a pull channel (Dialogflow) still gets them.
    await this.#sessions.withLock(sessionId, () =>
      this.#sessions.update(sessionId, (s) => {
        update?.(s)
        if (!delivered) s.outbox.push(...messages)
      }),
    )
  }

  async #processLocked(turn: Turn, deadline: number): Promise<BotReply> {
    const started = this.#now()
    const loaded = await this.#sessions.load(turn.sessionId)
    // The store hands out its own copy (see SessionStore.get), so the turn changes it in place; a
    // snapshot of what it started from is enough to merge with a concurrent writer's state.
    const session = loaded?.value ?? emptySession(started)
    const before = startingPoint(loaded, session)
    // Follow-ups nobody pushed are shown first.
    const carried = session.outbox
    session.outbox = []
    // A confirmation is answerable on the next turn only: any other turn abandons it (below).
    const pendingAtStart = session.pending?.id
    const signal = turn.signal ? AbortSignal.any([turn.signal, this.#abort.signal]) : this.#abort.signal
    // Every request in flight listens on it: a question's reads fan out (one per page or item).
    setMaxListeners(MAX_PARALLEL_LISTENERS, signal)
    const client = this.#clientFor(turn.identity)
    let scope: Promise<ModelScope> | undefined
    let scopeFor: string | undefined
    let vocab: { key: string; value: ReturnType<ConversationBot['vocabularyOf']> } | undefined
    const ctx: TurnContext = {
      turn,
      now: this.#now,
      deadline,
      session,
      intent: { name: 'fallback', confidence: 0 },
      parameters: {},
      alternatives: [],
      confirmed: false,
      messages: [],
      client,
      requestOptions: { signal },
      services: this.#services,
      scope: () => {
        const c = ctx.session.connected
        if (!c)
          return Promise.reject(
            new BotError(
              'not_connected',
              'You are not connected to a model yet. Say "list models" or "connect to <model>".',
            ),
          )
        if (!scope || scopeFor !== c.modelId) {
          scope = client.model({ workspace: c.workspaceId, model: c.modelId }, { signal })
          scopeFor = c.modelId
        }
        return scope
      },
      vocabulary: () => {
        const key = ctx.session.connected?.modelId ?? ''
        if (!vocab || vocab.key !== key)
          vocab = { key, value: this.vocabularyOf(client, ctx.session, turn.identity) }
        return vocab.value
      },
      nlu: async () => this.#nluOf(await ctx.vocabulary()),
      permission: (model) => permissionFor(this.#policy, turn.identity, model),
      audit: (e) =>
        this.#writeAudit({
          ...e,
          ts: new Date(this.#now()).toISOString(),
          identity: turn.identity,
          sessionId: turn.sessionId,
        }),
      say: (text) => {
        ctx.messages.push({ type: 'text', text })
      },
      background: (work) => this.#track(work(this.#abort.signal)),
      notify: (messages, update) => this.#notify(turn.sessionId, turn.identity, messages, update),
    }
    try {
      await runMiddleware(this.#chain, ctx)
    } catch (e) {
      const code = errorCode(e)
      // "Which item?", "no such view", "not allowed": answers to the user, not faults to look into.
      if (USER_OUTCOMES.has(code)) this.#logger.debug({ intent: ctx.intent.name, code }, 'turn explained')
      else this.#logger.warn({ err: e, intent: ctx.intent.name, code }, 'turn failed')
      ctx.messages.push(...errorReply(e, { ...this.#errorContext(ctx) }))
    }
    if (!CONFIRM_INTENTS.has(ctx.intent.name) && ctx.session.pending?.id === pendingAtStart)
      delete ctx.session.pending
    rememberOffered(ctx.session, ctx.messages)
    await this.#sessions.save(turn.sessionId, loaded?.version ?? 0, before, ctx.session, carried.length)
    return {
      sessionId: turn.sessionId,
      intent: ctx.intent,
      parameters: ctx.parameters,
      ...(ctx.question ? { question: ctx.question } : {}),
      messages: [...carried, ...ctx.messages],
    }
  }

  vocabularyOf(client: BotAnaplanClient, session: SessionState, identity: Identity) {
    return this.#vocabularyFor(client, session, identity)
  }

  #errorContext(ctx: TurnContext) {
    const doing: Record<string, string> = {
      write_cell: `change ${ctx.parameters.lineItem ?? 'the cell'}`,
      run_action: `run ${ctx.parameters.action ?? 'the action'}`,
      add_list_item: `add to ${ctx.parameters.list ?? 'the list'}`,
      read_cell: `read ${ctx.parameters.lineItem ?? 'the cell'}`,
      show_view: `read ${ctx.parameters.view ?? 'the view'}`,
    }
    return {
      ...(ctx.session.connected ? { model: ctx.session.connected.modelName } : {}),
      intent: ctx.intent.name,
      parameters: ctx.parameters,
      ...(doing[ctx.intent.name] ? { doing: doing[ctx.intent.name] as string } : {}),
    }
  }

  async #writeAudit(entry: AuditEntry): Promise<void> {
    try {
      await this.#audit.write(entry)
    } catch (e) {
      // An audit outage must be visible to operators, but it must not lose the user's answer.
      this.#logger.error({ err: e }, 'audit write failed')
    }
  }

  // ------------------------------------------------------------------ middleware

  /** Choice, channel-recognised intent, answer to a pending question, or our own NLU. */
  #understand: Middleware = async (ctx, next) => {
    const { turn } = ctx
    const question = ctx.session.question
    delete ctx.session.question
    const offered = ctx.session.offered ?? question?.options ?? []
    delete ctx.session.offered
    const choice = turn.choice ? parseChoice(turn.choice) : undefined
    if (choice && 'invalid' in choice) {
      ctx.say("I can't use that choice: it is not one I offered. Please pick again from my latest message.")
      return
    }
    if (choice && (ownEntry(HANDLERS, choice.intent) || CONFIRM_INTENTS.has(choice.intent))) {
      ctx.intent = { name: choice.intent, confidence: 1 }
      ctx.parameters = choice.parameters
      return next()
    }
    if (choice && turn.choice?.includes('?p=')) {
      ctx.say("I can't use that choice: it is not one I offered. Please pick again from my latest message.")
      return
    }
    const text = (turn.text ?? turn.choice ?? '').trim()
    if (turn.recognized) {
      ctx.intent = { name: turn.recognized.intent, confidence: turn.recognized.confidence ?? 1 }
      ctx.parameters = await this.#resolveRecognized(ctx, turn.recognized.parameters, text)
      return next()
    }
    if (offered.length && text) {
      const hit = matchOffered(text, offered)
      const decoded = hit ? parseChoice(hit) : undefined
      if (decoded && 'intent' in decoded) {
        ctx.intent = { name: decoded.intent, confidence: 1 }
        ctx.parameters = decoded.parameters
        return next()
      }
      // "units, actuals" to "Revenue or Units?": the option it names is the question its other
      // words edit.
      ctx.offered = offered
      const named = namedOption(text, offered)
      const picked = named ? parseChoice(named.value) : undefined
      const q = picked && 'intent' in picked ? picked.parameters.question : undefined
      if (isQuestion(q)) ctx.session.focus = { question: q, at: ctx.now() }
    }
    let r = await (await ctx.nlu()).understand(text)
    if (!ctx.session.connected) {
      // "open headcount by department in workforce plan" names a model and one of its views: the
      // pooled names tell the view from a plain connect.
      const viewToo = r.intent.name === 'connect_model' && r.analysis.shape.split(' ').length > 3
      if (viewToo || !unconnectedCommand(r.intent, r.parameters, text, Boolean(ctx.session.pending))) {
        const pooled = await (await this.#pooledNlu(ctx.client, turn.identity)).understand(text)
        if (!viewToo || pooled.intent.name === 'show_view') r = pooled
      }
    }
    ctx.intent = r.intent
    ctx.parameters = r.parameters
    ctx.alternatives = r.alternatives
    if (r.ambiguity) ctx.ambiguity = r.ambiguity
    // A bare item while a view is on screen means "switch the page to it".
    if (ctx.session.view && (r.intent.name === 'fallback' || r.intent.confidence < MIN_CONFIDENCE)) {
      const only = r.analysis.entities.filter((e) => e.kind === 'listItem' || e.kind === 'version')
      if (only.length === 1 && r.analysis.shape.split(' ').length <= 3) {
        ctx.intent = { name: 'set_page', confidence: 0.7 }
        ctx.parameters = {
          item: only[0]?.value,
          ...(only[0]?.dimension ? { dimension: only[0].dimension } : {}),
        }
      }
    }
    return next()
  }

  /** Parameters from Dialogflow are names as typed: resolve them like our own NLU would. */
  async #resolveRecognized(
    ctx: TurnContext,
    params: Record<string, unknown>,
    text: string,
  ): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(cleanParameters(params, { lenient: true }) ?? {})) {
      if (v === '' || (Array.isArray(v) && v.length === 0)) continue
      out[k] = v
    }
    // A parameterless intent (a greeting, a yes) has nothing to resolve: no metadata fetch for it.
    if (text && intentByName(ctx.intent.name)?.parameters.length) {
      try {
        const nlu = await ctx.nlu()
        // The channel's intent, not our classifier's: only the parameters are ours to add.
        const own = nlu.parameters(ctx.intent.name, text)
        // Our resolution (canonical names, periods, numbers) fills what the channel left out.
        for (const [k, v] of Object.entries(own)) if (!(k in out)) out[k] = v
      } catch {
        // metadata unavailable: keep the channel's parameters
      }
    }
    if (typeof out.value === 'string' && out.value.trim() !== '' && Number.isFinite(Number(out.value)))
      out.value = Number(out.value)
    return out
  }

  /** Low confidence or a tie: ask instead of guessing. */
  #askBack: Middleware = async (ctx, next) => {
    const { name, confidence } = ctx.intent
    if (name === 'fallback' || ctx.turn.choice || ctx.turn.recognized) return next()
    const second = ctx.alternatives[0]
    const tie = second && second.name !== 'fallback' && confidence - second.confidence < TIE_MARGIN
    if (confidence >= MIN_CONFIDENCE && !tie) return next()
    if (confidence < 0.25 && !tie) {
      ctx.intent = { name: 'fallback', confidence }
      return next()
    }
    const options = [ctx.intent, ...(second ? [second] : [])]
      .filter((i) => offerable(i.name))
      .map((i) => ({
        label: intentLabel(i.name),
        value: encodeChoice(i.name, ctx.parameters),
      }))
    ctx.messages.push({
      type: 'choices',
      prompt: `I'm not sure what you meant by "${ctx.turn.text ?? ''}". Did you mean:`,
      options,
    })
    ctx.session.question = { intent: name, parameters: ctx.parameters, slot: 'intent', options }
  }

  #policyCheck: Middleware = async (ctx, next) => {
    const name = ctx.intent.name
    const def = intentByName(name)
    const c = ctx.session.connected
    const capability: Capability | undefined = def?.changes ?? (READS.has(name) ? 'read' : undefined)
    if (!capability || !c) return next()
    const perm = ctx.permission({ name: c.modelName, id: c.modelId })
    const actionName = typeof ctx.parameters.action === 'string' ? ctx.parameters.action : undefined
    // The action's own name is checked once resolved (see #allowedChange); here the broad right.
    const ok = capability === 'run' ? perm.read && perm.run.length > 0 : allows(perm, capability)
    if (ok) return next()
    await this.#refuse(ctx, capability, perm, actionName)
  }

  async #refuse(
    ctx: TurnContext,
    capability: Capability,
    perm: ReturnType<typeof permissionFor>,
    actionName?: string,
    modelName?: string,
  ): Promise<void> {
    const model = modelName ?? ctx.session.connected?.modelName ?? 'the model'
    await ctx.audit({
      model,
      action: ctx.intent.name,
      details: { ...ctx.parameters },
      result: 'refused',
      error: 'not_permitted',
    })
    ctx.say(refusalText(perm, capability, model, actionName))
  }

  /**
   * Changes are summarised and wait for a yes; confirm and deny settle the pending change. A
   * button names the change it answers (`confirm?p={"change":id}`): one for another change is
   * refused, and the change still waiting keeps waiting. A typed "yes" answers the change asked in
   * the previous turn only, because every other turn abandons it.
   */
  #confirmation: Middleware = async (ctx, next) => {
    const name = ctx.intent.name
    if (CONFIRM_INTENTS.has(name)) {
      const pending = ctx.session.pending
      const answers = typeof ctx.parameters.change === 'string' ? ctx.parameters.change : undefined
      const live = pending && pending.expiresAt > this.#now() ? pending : undefined
      if (answers !== undefined && answers !== pending?.id) return this.#refuseStale(ctx, live)
      delete ctx.session.pending
      if (!live) {
        ctx.say(
          pending
            ? 'That request expired; please ask again.'
            : THANKS_RE.test((ctx.turn.text ?? '').trim())
              ? "You're welcome!"
              : name === 'confirm'
                ? "There's nothing waiting for a yes."
                : 'OK.',
        )
        return
      }
      if (name === 'deny') {
        await ctx.audit({
          model: live.model,
          action: live.intent,
          details: live.parameters,
          result: 'cancelled',
        })
        ctx.say('OK, nothing was changed.')
        return
      }
      ctx.intent = { name: live.intent, confidence: 1 }
      ctx.parameters = live.parameters
      if (live.modelId) ctx.target = { name: live.model, id: live.modelId }
      ctx.confirmed = true
      // The policy may have changed since the question: check again.
      if (!(await this.#allowedChange(ctx))) return
      return next()
    }
    // A new request abandons an unanswered confirmation, so a late "yes" cannot fire it.
    delete ctx.session.pending
    const def = intentByName(name)
    const handler = ownEntry(HANDLERS, name)
    if (!def?.changes || !handler?.summarize) return next()
    const summary = await handler.summarize(ctx)
    if (!(await this.#allowedChange(ctx))) return
    const model = ctx.target ?? (ctx.session.connected ? this.#connectedModel(ctx) : undefined)
    ctx.session.pending = {
      id: randomUUID(),
      intent: name,
      parameters: ctx.parameters,
      summary,
      model: model?.name ?? '',
      ...(model?.id ? { modelId: model.id } : {}),
      createdAt: this.#now(),
      expiresAt: this.#now() + (this.#opts.confirmationTtlMs ?? 5 * 60_000),
    }
    ctx.messages.push({
      type: 'choices',
      prompt: summary,
      options: confirmationOptions(ctx.session.pending.id),
    })
  }

  /** A yes or no for a change other than the one waiting: nothing happens, and the user is told. */
  async #refuseStale(ctx: TurnContext, live: PendingConfirmation | undefined): Promise<void> {
    await ctx.audit({
      ...(live ? { model: live.model } : {}),
      action: ctx.intent.name,
      details: { change: ctx.parameters.change },
      result: 'refused',
      error: 'stale_confirmation',
    })
    if (!live) {
      delete ctx.session.pending
      ctx.say(
        'That confirmation was for an earlier change that is no longer waiting; nothing was changed. Please ask again.',
      )
      return
    }
    ctx.say(
      `That confirmation was for an earlier change; nothing was changed. Still waiting: ${live.summary}`,
    )
    ctx.messages.push({ type: 'choices', prompt: live.summary, options: confirmationOptions(live.id) })
  }

  #connectedModel(ctx: TurnContext): { name: string; id: string } | undefined {
    const c = ctx.session.connected
    return c ? { name: c.modelName, id: c.modelId } : undefined
  }

  /** Checks the change against the policy with resolved names (the action's own name for runs). */
  async #allowedChange(ctx: TurnContext): Promise<boolean> {
    const def = intentByName(ctx.intent.name)
    const model = ctx.target ?? this.#connectedModel(ctx)
    if (!def?.changes || !model) return true
    const perm = ctx.permission(model)
    const actionName = typeof ctx.parameters.action === 'string' ? ctx.parameters.action : undefined
    if (allows(perm, def.changes, actionName)) return true
    await this.#refuse(ctx, def.changes, perm, actionName, model.name)
    return false
  }

  #handle: Middleware = async (ctx) => {
    const handler = ownEntry(HANDLERS, ctx.intent.name) ?? fallback
    await handler.run(ctx)
  }
}
