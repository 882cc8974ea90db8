/**
 * The conversation core: `process(turn)` runs one middleware chain (session, understanding,
 * asking back, policy, confirmation, handler) and returns the reply; long work continues in the
 * background and reports through `subscribe` listeners and the session outbox.
 */
import { randomUUID } from 'node:crypto'
import { type Logger, silentLogger } from '../../shared/logger.ts'
import { MIN_CONFIDENCE, Nlu, TIE_MARGIN } from '../nlu/nlu.ts'
import { fold } from '../nlu/text.ts'
import type { Vocabulary } from '../nlu/vocabulary.ts'
import type { AnaplanClientProvider, BotAnaplanClient, ModelScope } from './anaplan.ts'
import type { AuditEntry, AuditSink } from './audit.ts'
import { MemoryAuditSink } from './audit.ts'
import { intentByName } from './catalog.ts'
import {
  decodeChoice,
  encodeChoice,
  type IntentHandler,
  type Middleware,
  runMiddleware,
  type TurnContext,
} from './context.ts'
import { DiskDownloadStore, type DownloadStore } from './downloads.ts'
import { errorCode, errorReply } from './error-reply.ts'
import { BotError, type BotErrorCode } from './errors.ts'
import { cancelTask, listActions, runAction, taskStatus } from './handlers/actions.ts'
import { readCell, writeCell } from './handlers/cells.ts'
import {
  connectModel,
  disconnect,
  fallback,
  greeting,
  help,
  LABELS,
  listModels,
  listWorkspaces,
  whoami,
} from './handlers/general.ts'
import { addListItem, listItems } from './handlers/lists.ts'
import { listViews, setPage, showView } from './handlers/views.ts'
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
  DEFAULT_SESSION_TTL_MS,
  emptySession,
  MemorySessionStore,
  type SessionState,
  type SessionStore,
} from './session.ts'
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
}

/** @default 2500 ms: inside Slack's 3 s with room for the channel's own work. */
export const DEFAULT_REPLY_BUDGET_MS = 2500

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

const HANDLERS: Record<string, IntentHandler> = {
  greeting,
  help,
  fallback,
  list_workspaces: listWorkspaces,
  list_models: listModels,
  connect_model: connectModel,
  list_views: listViews,
  show_view: showView,
  set_page: setPage,
  list_actions: listActions,
  run_action: runAction,
  task_status: taskStatus,
  cancel_task: cancelTask,
  read_cell: readCell,
  write_cell: writeCell,
  list_items: listItems,
  add_list_item: addListItem,
  whoami,
  disconnect,
}

/** Intents that need read access to the connected model. */
const READS = new Set([
  'list_views',
  'show_view',
  'set_page',
  'list_actions',
  'read_cell',
  'list_items',
  'task_status',
])

function isProvider(a: AnaplanClientProvider | BotAnaplanClient): a is AnaplanClientProvider {
  return typeof (a as AnaplanClientProvider).clientFor === 'function'
}

/** Creates the bot; with `warmUp` (the default) its NLU classifier is ready when it resolves. */
export async function createBot(options: CreateBotOptions): Promise<Bot> {
  const bot = new ConversationBot(options)
  if (options.warmUp ?? true) await bot.warmUp()
  return bot
}

class ConversationBot implements Bot {
  readonly #opts: CreateBotOptions
  readonly #now: () => number
  readonly #store: SessionStore
  readonly #audit: AuditSink
  readonly #policy: BotPolicy
  readonly #downloads: DownloadStore
  readonly #logger: Logger
  readonly #metadata: MetadataCache
  readonly #listeners = new Set<(n: Notification) => void | boolean | Promise<void | boolean>>()
  readonly #locks = new Map<string, Promise<void>>()
  readonly #background = new Set<Promise<void>>()
  readonly #abort = new AbortController()
  readonly #chain: Middleware[]
  readonly #nlus = new WeakMap<Vocabulary, Nlu>()

  constructor(options: CreateBotOptions) {
    this.#opts = options
    this.#now = options.now ?? Date.now
    this.#logger = options.logger ?? silentLogger
    this.#store =
      options.store ?? new MemorySessionStore({ now: this.#now, warn: (m) => this.#logger.warn(m) })
    this.#audit = options.audit ?? new MemoryAuditSink()
    this.#policy = options.policy ?? DEFAULT_POLICY
    this.#downloads = options.downloads ?? new DiskDownloadStore({ now: this.#now })
    this.#metadata = new MetadataCache({
      now: this.#now,
      ...(options.metadataTtlMs ? { ttlMs: options.metadataTtlMs } : {}),
    })
    this.#chain = [this.#understand, this.#askBack, this.#policyCheck, this.#confirmation, this.#handle]
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
    return this.#withLock(turn.sessionId, () => this.#processLocked(turn))
  }

  async understand(
    text: string,
    sessionId?: string,
  ): Promise<{ intent: { name: string; confidence: number }; parameters: Record<string, unknown> }> {
    const session = sessionId ? (await this.#store.get(sessionId))?.value : undefined
    // Identity is unknown here: the default client reads the metadata (names only, no changes).
    const identity: Identity = { channel: 'api', userId: 'nlu' }
    const client = this.#clientFor(identity)
    // No connected model: the names of every model the default identity can open.
    const nlu = session?.connected
      ? await this.#nluFor(client, session, identity)
      : this.#nluOf(await this.#metadata.accessible(this.#profileKey(identity), client))
    const r = await nlu.understand(text)
    return { intent: r.intent, parameters: r.parameters }
  }

  subscribe(listener: (n: Notification) => void | boolean | Promise<void | boolean>): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async drainPending(sessionId: string): Promise<Message[]> {
    let drained: Message[] = []
    await this.#withLock(sessionId, () =>
      this.#update(sessionId, (s) => {
        drained = s.outbox
        s.outbox = []
      }),
    )
    return drained
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

  /** Serialises work on one session inside this process (turns and background updates). */
  async #withLock<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(sessionId) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>((r) => {
      release = r
    })
    const chained = prev.then(() => mine)
    this.#locks.set(sessionId, chained)
    await prev
    try {
      return await work()
    } finally {
      release()
      if (this.#locks.get(sessionId) === chained) this.#locks.delete(sessionId)
    }
  }

  /**
   * Read-modify-write with the store's version check; another instance writing in between makes
   * it re-read and re-apply, so neither side's change is lost.
   */
  async #update(sessionId: string, mutate: (s: SessionState) => void): Promise<SessionState> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const cur = await this.#store.get(sessionId)
      const state = cur?.value ?? emptySession(this.#now())
      mutate(state)
      state.updatedAt = this.#now()
      const ok = await this.#store.set(sessionId, state, {
        ifVersion: cur?.version ?? 0,
        ttlMs: this.#opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      })
      if (ok !== false) return state
    }
    throw new BotError('internal', 'The session changed too often while saving; please try again.')
  }

  /**
   * Stores a turn's session. Usually nobody wrote since the turn loaded it, and the turn's state is
   * written as it is; when another instance did (the version moved), its state is re-read and only
   * what this turn changed is applied onto it.
   */
  async #save(
    sessionId: string,
    loadedVersion: number,
    before: SessionSnapshot,
    after: SessionState,
    drained: number,
  ): Promise<void> {
    after.updatedAt = this.#now()
    const ttlMs = this.#opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS
    if ((await this.#store.set(sessionId, after, { ifVersion: loadedVersion, ttlMs })) !== false) return
    await this.#update(sessionId, (latest) => mergeSession(latest, before, after, drained))
  }

  async #notify(
    sessionId: string,
    identity: Identity,
    messages: Message[],
    update?: (s: SessionState) => void,
  ): Promise<void> {
    let delivered = false
    for (const l of this.#listeners) {
      try {
        if ((await l({ sessionId, identity, messages })) === true) delivered = true
      } catch (e) {
        this.#logger.warn({ err: e }, 'notification listener failed')
      }
    }
    // Messages no listener delivered wait in the outbox, so a pull channel (Dialogflow) still gets them.
    await this.#withLock(sessionId, () =>
      this.#update(sessionId, (s) => {
        update?.(s)
        if (!delivered) s.outbox.push(...messages)
      }),
    )
  }

  async #processLocked(turn: Turn): Promise<BotReply> {
    const started = this.#now()
    const deadline = turn.deadline ?? started + (this.#opts.replyBudgetMs ?? DEFAULT_REPLY_BUDGET_MS)
    const loaded = await this.#store.get(turn.sessionId)
    // The store hands out its own copy (see SessionStore.get), so the turn changes it in place; a
    // snapshot of what it started from is enough to merge with a concurrent writer's state.
    const session = loaded?.value ?? emptySession(started)
    const before = snapshot(session)
    // Follow-ups nobody pushed are shown first.
    const carried = session.outbox
    session.outbox = []
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
      services: {
        policy: this.#policy,
        downloads: this.#downloads,
        logger: this.#logger,
        pollIntervalMs: this.#opts.pollIntervalMs ?? 500,
        invalidate: (id) => this.#metadata.invalidate(id),
      },
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
          scope = client.model({ workspace: c.workspaceId, model: c.modelId })
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
      background: (work) => {
        const p = work(this.#abort.signal).catch((e) =>
          this.#logger.error({ err: e }, 'background work failed'),
        )
        this.#background.add(p)
        void p.finally(() => this.#background.delete(p))
      },
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
    await this.#save(turn.sessionId, loaded?.version ?? 0, before, ctx.session, carried.length)
    return {
      sessionId: turn.sessionId,
      intent: ctx.intent,
      parameters: ctx.parameters,
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
    const choice = turn.choice ? decodeChoice(turn.choice) : undefined
    if (choice && (HANDLERS[choice.intent] || choice.intent === 'confirm' || choice.intent === 'deny')) {
      ctx.intent = { name: choice.intent, confidence: 1 }
      ctx.parameters = choice.parameters
      return next()
    }
    const text = (turn.text ?? turn.choice ?? '').trim()
    if (turn.recognized) {
      ctx.intent = { name: turn.recognized.intent, confidence: turn.recognized.confidence ?? 1 }
      ctx.parameters = await this.#resolveRecognized(ctx, turn.recognized.parameters, text)
      return next()
    }
    if (question && text) {
      const hit = matchOption(text, question.options)
      const decoded = hit ? decodeChoice(hit) : undefined
      if (decoded) {
        ctx.intent = { name: decoded.intent, confidence: 1 }
        ctx.parameters = decoded.parameters
        return next()
      }
    }
    const nlu = await ctx.nlu()
    const r = await nlu.understand(text)
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
    for (const [k, v] of Object.entries(params)) {
      if (v === '' || v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue
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
      .filter((i) => i.name !== 'fallback')
      .map((i) => ({
        label: LABELS[i.name] ?? i.name.replace(/_/g, ' '),
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
  ): Promise<void> {
    const c = ctx.session.connected
    const model = c?.modelName ?? 'the model'
    await ctx.audit({
      model,
      action: ctx.intent.name,
      details: { ...ctx.parameters },
      result: 'refused',
      error: 'not_permitted',
    })
    ctx.say(refusalText(perm, capability, model, actionName))
  }

  /** Changes are summarised and wait for a yes; confirm and deny settle the pending change. */
  #confirmation: Middleware = async (ctx, next) => {
    const name = ctx.intent.name
    if (name === 'confirm' || name === 'deny') {
      const pending = ctx.session.pending
      delete ctx.session.pending
      if (!pending || pending.expiresAt <= this.#now()) {
        ctx.say(
          pending
            ? 'That request expired; please ask again.'
            : name === 'confirm'
              ? "There's nothing waiting for a yes."
              : 'OK.',
        )
        return
      }
      if (name === 'deny') {
        await ctx.audit({
          model: pending.model,
          action: pending.intent,
          details: pending.parameters,
          result: 'cancelled',
        })
        ctx.say('OK, nothing was changed.')
        return
      }
      ctx.intent = { name: pending.intent, confidence: 1 }
      ctx.parameters = pending.parameters
      ctx.confirmed = true
      // The policy may have changed since the question: check again.
      if (!(await this.#allowedChange(ctx))) return
      return next()
    }
    // A new request abandons an unanswered confirmation, so a late "yes" cannot fire it.
    delete ctx.session.pending
    const def = intentByName(name)
    const handler = HANDLERS[name]
    if (!def?.changes || !handler?.summarize) return next()
    const summary = await handler.summarize(ctx)
    if (!(await this.#allowedChange(ctx))) return
    const c = ctx.session.connected
    ctx.session.pending = {
      id: randomUUID(),
      intent: name,
      parameters: ctx.parameters,
      summary,
      model: c?.modelName ?? '',
      createdAt: this.#now(),
      expiresAt: this.#now() + (this.#opts.confirmationTtlMs ?? 5 * 60_000),
    }
    ctx.messages.push({
      type: 'choices',
      prompt: summary,
      options: [
        { label: 'Yes', value: 'confirm' },
        { label: 'No', value: 'deny' },
      ],
    })
  }

  /** Checks the change against the policy with resolved names (the action's own name for runs). */
  async #allowedChange(ctx: TurnContext): Promise<boolean> {
    const def = intentByName(ctx.intent.name)
    const c = ctx.session.connected
    if (!def?.changes || !c) return true
    const perm = ctx.permission({ name: c.modelName, id: c.modelId })
    const actionName = typeof ctx.parameters.action === 'string' ? ctx.parameters.action : undefined
    if (allows(perm, def.changes, actionName)) return true
    await this.#refuse(ctx, def.changes, perm, actionName)
    return false
  }

  #handle: Middleware = async (ctx) => {
    const handler = HANDLERS[ctx.intent.name] ?? fallback
    await handler.run(ctx)
  }
}

const MERGED_KEYS = ['connected', 'view', 'pending', 'question'] as const

/** What a turn started from, as JSON per merged key and per task: all a merge compares against. */
interface SessionSnapshot {
  keys: Partial<Record<(typeof MERGED_KEYS)[number], string>>
  tasks: Map<string, string>
}

function snapshot(s: SessionState): SessionSnapshot {
  const keys: SessionSnapshot['keys'] = {}
  for (const key of MERGED_KEYS) if (s[key] !== undefined) keys[key] = JSON.stringify(s[key])
  return { keys, tasks: new Map(s.tasks.map((t) => [t.taskId, JSON.stringify(t)])) }
}

/** Applies this turn's changes onto the latest stored state (which another instance may have changed). */
function mergeSession(
  latest: SessionState,
  before: SessionSnapshot,
  after: SessionState,
  drained: number,
): void {
  for (const key of MERGED_KEYS) {
    if (before.keys[key] !== (after[key] === undefined ? undefined : JSON.stringify(after[key]))) {
      if (after[key] === undefined) delete latest[key]
      else (latest as unknown as Record<string, unknown>)[key] = after[key]
    }
  }
  const byId = new Map(latest.tasks.map((t) => [t.taskId, t]))
  for (const t of after.tasks) {
    if (before.tasks.get(t.taskId) !== JSON.stringify(t)) byId.set(t.taskId, t)
  }
  // Tasks this turn dropped (trimmed history) are dropped unless someone else just added them.
  const kept = new Set(after.tasks.map((t) => t.taskId))
  for (const id of before.tasks.keys()) if (!kept.has(id)) byId.delete(id)
  latest.tasks = [...byId.values()]
  latest.outbox = latest.outbox.slice(drained)
}

function matchOption(text: string, options: { label: string; value: string }[]): string | undefined {
  const t = text.trim()
  if (/^\d{1,2}$/.test(t)) return options[Number(t) - 1]?.value
  const k = (s: string) =>
    s
      .toLowerCase()
      .split(/\s+/)
      .map(fold)
      .join(' ')
      .replace(/[^\p{L}\p{N} ]/gu, '')
  const want = k(t)
  return options.find((o) => k(o.label) === want)?.value
}
