/**
 * The contract between the conversation core and its channels (web, Slack, Dialogflow ES/CX,
 * terminal) and the serverless functions. Channels translate their wire formats into a {@link Turn},
 * call `bot.process(turn)`, and render the {@link BotReply}; long-running work reports back later
 * through {@link Bot.subscribe}.
 */

import type { Question } from '../query/question.ts'

export type ChannelName = 'web' | 'slack' | 'dialogflow-es' | 'dialogflow-cx' | 'terminal' | 'api'

/** Who is talking: the policy and the audit trail key on this. */
export interface Identity {
  channel: ChannelName
  /** Channel-specific user id (Slack user id, Dialogflow session/user id, web user name). */
  userId: string
  /** Slack team / workspace id, when the channel has one. */
  teamId?: string
  displayName?: string
  /**
   * Set by the channel once it has checked who is speaking (a verified ID token or IAP assertion,
   * a Slack signature, webhook credentials); the policy trusts only identities that carry it.
   * Absent on identities a caller made up (tests, the terminal's local user).
   */
  verified?: true
  /** How the identity was verified. */
  verifiedBy?: IdentityProof
  /** Issuer of the verified identity (the OpenID provider, `https://cloud.google.com/iap`, `slack`). */
  issuer?: string
  /** The issuer's stable subject id (OIDC `sub`), the base for acting as the user in Anaplan later. */
  subject?: string
}

/** How a channel verified an {@link Identity}. */
export type IdentityProof =
  | 'oidc'
  | 'iap'
  | 'local-demo'
  | 'slack-signature'
  | 'dialogflow-webhook'
  | 'function-key'

/** One user turn. `text` for free text, `choice` for a clicked option (its `value`). */
export interface Turn {
  sessionId: string
  identity: Identity
  text?: string
  choice?: string
  /**
   * Intent already recognised by the channel (Dialogflow). When set, the core skips its own NLU
   * for intent detection but still resolves parameters against the model.
   */
  recognized?: { intent: string; parameters: Record<string, unknown>; confidence?: number }
  /**
   * Epoch ms by which the reply must be returned (Slack 3 s, Dialogflow 5 s...). The core answers
   * by then, with "still working" (`BotReply.stillWorking`) when the real answer is not ready.
   */
  deadline?: number
  /** Aborts the turn's Anaplan calls (the caller went away, the bot is closing). */
  signal?: AbortSignal
  /**
   * Where the answer goes when it misses the deadline, tried before the `subscribe` listeners
   * (a slash command's response_url, the thread a mention came from). Resolves `true` when it
   * delivered; otherwise the listeners and the session outbox take the answer as usual.
   */
  deliverLate?: (messages: Message[]) => Promise<boolean>
}

export type Message =
  | { type: 'text'; text: string }
  | {
      type: 'table'
      title?: string
      columns: string[]
      rows: string[][]
      /** A view's page selectors: what each shows and the choices that switch it. */
      pages?: PageControl[]
      /** Per column, the period level when the columns are time ("month", "quarter", "year"). */
      columnPeriods?: (PeriodLevel | null)[]
    }
  | {
      type: 'chart'
      title?: string
      kind: 'line' | 'bar'
      labels: string[]
      series: {
        name: string
        values: (number | null)[]
        /** `right`: a second value axis, for a series of another scale such as a total. */
        axis?: 'left' | 'right'
        /** The sum of the other series (drawn as bars, apart from its parts). */
        total?: boolean
      }[]
    }
  | { type: 'choices'; prompt?: string; options: { label: string; value: string }[] }
  | { type: 'file'; name: string; url: string; size?: number }

export interface SessionInfo {
  known: boolean
  /** The connected model's name. */
  model?: string
  workspace?: string
  suggestions: string[]
}

export type PeriodLevel = 'month' | 'quarter' | 'year'

/** One page selector of a view shown as a table. */
export interface PageControl {
  dimension: string
  selected: string
  /** Each option's `value` is a choice that shows the view with that item on this page. */
  options: { label: string; value: string }[]
}

export interface IntentMatch {
  name: string
  confidence: number
}

/** The `/api/chat` response body. */
export interface BotReply {
  sessionId: string
  intent: IntentMatch
  parameters: Record<string, unknown>
  /** The typed question the reply answered, when the turn was a question about the numbers. */
  question?: Question
  messages: Message[]
  /**
   * The turn's deadline passed before the answer was ready: `messages` say so, and the answer
   * follows through {@link Bot.subscribe} listeners or the session outbox.
   */
  stillWorking?: true
}

/** The `/api/nlu` response body: understanding only, no side effects. */
export interface Understanding {
  intent: IntentMatch
  parameters: Record<string, unknown>
  /** The typed question, when the text asks about the numbers. */
  question?: Question
}

/** Sent when work started in an earlier turn finishes (a long task) or needs attention. */
export interface Notification {
  sessionId: string
  identity: Identity
  messages: Message[]
}

export interface Bot {
  process(turn: Turn): Promise<BotReply>
  /** Understands `text` against the names `identity` may see (its session's model when connected). */
  understand(text: string, sessionId?: string, identity?: Identity): Promise<Understanding>
  /**
   * Registers a listener for follow-up messages; returns an unsubscribe function. A listener that
   * delivered the messages itself (a live web page, a Slack post) returns `true`; when none does,
   * the messages are queued in the session's outbox for `drainPending` and the next reply.
   */
  subscribe(listener: (n: Notification) => void | boolean | Promise<void | boolean>): () => void
  /**
   * Messages queued for a session that no push channel delivered (Dialogflow users get them on
   * their next turn); reading drains them.
   */
  drainPending(sessionId: string): Promise<Message[]>
  /**
   * Loads what a first turn usually needs from Anaplan (the models and workspaces `identity` sees)
   * into the metadata cache, so an instance can fetch it while it starts instead of when the first
   * request arrives. Never rejects: a failure is left to the turn that needs the data.
   */
  prefetch?(identity?: Identity): Promise<void>
  /**
   * Looks up tasks the session store still lists as running (after a restart or an outage),
   * records their end in the audit trail and tells their sessions. Returns how many were found.
   */
  reconcile?(): Promise<number>
  /**
   * What a page opening on `sessionId` should know: whether this bot still holds the session (a
   * restart with in-memory sessions forgets it), the model it is connected to, and questions to
   * suggest from that model's names.
   */
  sessionInfo?(sessionId: string, identity: Identity): Promise<SessionInfo>
  /** Stops timers and background pollers; logs out Anaplan sessions. */
  close(): Promise<void>
}
