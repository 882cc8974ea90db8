/**
 * The confirm-before-write flow with an injected clock and a fake Anaplan client (any object of
 * the right shape: the bot depends on the interface, not on a module).
 */
import { describe, expect, it } from 'vitest'
import type { BotAnaplanClient, ListItemInput, ModelCatalog, ModelScope } from './anaplan.ts'
import { MemoryAuditSink } from './audit.ts'
import { createBot } from './bot.ts'
import { allowAllPolicy } from './policy.ts'
import { emptySession, MemorySessionStore, type SessionSetOptions, type SessionState } from './session.ts'
import type { Message } from './types.ts'

const emptyCatalog: ModelCatalog = {
  workspaceId: 'W1',
  modelId: 'M1',
  fetchedAt: 0,
  dimensions: [],
  modules: [],
  lineItems: [],
  lists: [],
  periods: [],
  versions: [],
  views: [],
  actions: [],
}

function fakeClient(added: ListItemInput[][]): BotAnaplanClient {
  const overrides: Partial<ModelScope> = {
    workspaceId: 'W1',
    modelId: 'M1',
    workspaceName: 'WS',
    modelName: 'Plan',
    listLists: async () => [{ id: 'L1', name: 'Products' }],
    listItems: async () => [{ id: 'i1', name: 'Widgets' }],
    catalog: async () => ({
      ...emptyCatalog,
      lists: [{ id: 'L1', name: 'Products', itemCount: 1, items: [{ id: 'i1', name: 'Widgets' }] }],
    }),
    addListItems: async (_list, items) => {
      added.push(items)
      return { added: items.length, ignored: 0, total: items.length }
    },
  }
  // Everything the test does not care about answers "nothing there" (`then` stays undefined:
  // the scope is awaited and must not look like a promise).
  const scope = new Proxy(overrides, {
    get: (t, k) => (k in t || k === 'then' ? t[k as keyof ModelScope] : async () => []),
  }) as ModelScope
  return {
    users: { me: async () => ({ id: 'u', email: 'a@example.com' }) },
    workspaces: {
      list: async () => [{ id: 'W1', name: 'WS', active: true }],
      get: async () => ({ id: 'W1', name: 'WS', active: true }),
    },
    models: {
      list: async () => [
        {
          id: 'M1',
          name: 'Plan',
          activeState: 'UNLOCKED',
          currentWorkspaceId: 'W1',
          currentWorkspaceName: 'WS',
        },
      ],
    } as unknown as BotAnaplanClient['models'],
    model: async () => scope,
  }
}

const texts = (m: Message[]) =>
  m.flatMap((x) => (x.type === 'text' ? [x.text] : x.type === 'choices' ? [x.prompt ?? ''] : []))

describe('confirmation', () => {
  it('runs a change only after yes, and refuses a yes that came too late', async () => {
    let now = 1_000_000
    const added: ListItemInput[][] = []
    const audit = new MemoryAuditSink()
    const bot = await createBot({
      anaplan: fakeClient(added),
      policy: allowAllPolicy(),
      audit,
      now: () => now,
      store: new MemorySessionStore({ now: () => now }),
      confirmationTtlMs: 60_000,
    })
    const identity = { channel: 'terminal' as const, userId: 'me' }
    const say = async (text: string) => (await bot.process({ sessionId: 's', identity, text })).messages

    expect(texts(await say('connect to Plan')).join()).toContain('Connected to Plan')
    expect(texts(await say('add Gadgets to Products')).join()).toContain("Add 'Gadgets' to Products in Plan?")
    expect(added).toEqual([])
    now += 61_000
    expect(texts(await say('yes')).join()).toContain('That request expired')
    expect(added).toEqual([])

    await say('add Gadgets to Products')
    now += 30_000
    expect(texts(await say('yes')).join()).toContain("Added 'Gadgets' to Products")
    expect(added).toEqual([[{ name: 'Gadgets' }]])
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'add_list_item',
      result: 'ok',
      ts: new Date(now).toISOString(),
    })

    // A new request abandons the unanswered one: a late yes cannot fire it.
    await say('add Gizmos to Products')
    await say('list the products')
    expect(texts(await say('yes')).join()).toContain("There's nothing waiting for a yes")
    expect(added).toHaveLength(1)
    await bot.close()
  })
})

describe('intents a channel recognised', () => {
  /** Counts every call the bot makes into Anaplan. */
  function countingClient(calls: string[]): BotAnaplanClient {
    const base = fakeClient([])
    const count = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get: (t, k) => {
          const v = t[k as keyof T]
          if (typeof v !== 'function') return v
          return (...args: unknown[]) => {
            calls.push(`${name}.${String(k)}`)
            return (v as (...a: unknown[]) => unknown).apply(t, args)
          }
        },
      })
    return {
      users: count('users', base.users),
      workspaces: count('workspaces', base.workspaces),
      models: count('models', base.models),
      model: async (ref) => {
        calls.push('model')
        return base.model(ref)
      },
    }
  }

  it('answers a parameterless intent without fetching any metadata', async () => {
    const calls: string[] = []
    const bot = await createBot({ anaplan: countingClient(calls), warmUp: false })
    const identity = { channel: 'dialogflow-es' as const, userId: 'u' }
    const reply = await bot.process({
      sessionId: 's',
      identity,
      text: 'no thanks',
      recognized: { intent: 'deny', parameters: {} },
    })
    expect(reply.intent.name).toBe('deny')
    expect(texts(reply.messages)).toEqual(['OK.'])
    expect(calls).toEqual([])
    await bot.close()
  })

  it("fills the recognised intent's missing parameters from the text, for that intent", async () => {
    const calls: string[] = []
    const bot = await createBot({ anaplan: countingClient(calls), warmUp: false })
    const identity = { channel: 'dialogflow-es' as const, userId: 'u' }
    // "Plan" alone would not classify as connect_model; the channel said it is one.
    const reply = await bot.process({
      sessionId: 's',
      identity,
      text: 'Plan please',
      recognized: { intent: 'connect_model', parameters: {} },
    })
    expect(reply.intent.name).toBe('connect_model')
    expect(reply.parameters).toMatchObject({ model: 'Plan' })
    expect(calls).toContain('models.list')
    await bot.close()
  })
})

describe('session saving', () => {
  /** A memory store where another instance writes once between a turn's read and its save. */
  class RacingStore extends MemorySessionStore {
    race: ((s: SessionState) => void) | undefined
    override async set(id: string, value: SessionState, options?: SessionSetOptions) {
      const race = this.race
      if (race) {
        this.race = undefined
        const cur = await this.get(id)
        const other = cur?.value ?? emptySession(0)
        race(other)
        await super.set(id, other, { ifVersion: cur?.version ?? 0 })
      }
      return super.set(id, value, options)
    }
  }

  it("keeps another instance's concurrent change and applies only what the turn changed", async () => {
    const store = new RacingStore()
    const bot = await createBot({ anaplan: fakeClient([]), store, warmUp: false })
    const identity = { channel: 'terminal' as const, userId: 'me' }
    const task = {
      taskId: 'T1',
      actionType: 'import' as const,
      actionId: 'A1',
      actionName: 'Load',
      workspaceId: 'W1',
      modelId: 'M1',
      modelName: 'Plan',
      startedAt: 1,
      state: 'running' as const,
    }
    store.race = (other) => {
      other.tasks.push(task)
      other.outbox.push({ type: 'text', text: 'Load finished.' })
    }
    const reply = await bot.process({ sessionId: 's', identity, text: 'connect to Plan' })
    expect(texts(reply.messages).join()).toContain('Connected to Plan')
    const saved = (await store.get('s'))?.value
    expect(saved?.connected?.modelName).toBe('Plan')
    expect(saved?.tasks).toEqual([task])
    // The other instance's follow-up was not in this turn's reply, so it waits for the next one.
    expect(saved?.outbox).toEqual([{ type: 'text', text: 'Load finished.' }])
    const next = await bot.process({ sessionId: 's', identity, text: 'hello' })
    expect(texts(next.messages)[0]).toBe('Load finished.')
    expect((await store.get('s'))?.value.outbox).toEqual([])
    await bot.close()
  })

  it('does not let a turn change the stored session through the value it was given', async () => {
    const store = new MemorySessionStore()
    const bot = await createBot({ anaplan: fakeClient([]), store, warmUp: false })
    const identity = { channel: 'terminal' as const, userId: 'me' }
    await bot.process({ sessionId: 's', identity, text: 'connect to Plan' })
    const first = await store.get('s')
    if (first) delete first.value.connected
    expect((await store.get('s'))?.value.connected?.modelName).toBe('Plan')
    await bot.close()
  })
})

describe('prefetch', () => {
  it('loads the models list ahead, so a greeting makes no Anaplan call', async () => {
    const calls: string[] = []
    const base = fakeClient([])
    const client: BotAnaplanClient = {
      ...base,
      workspaces: {
        ...base.workspaces,
        list: async () => {
          calls.push('workspaces')
          return base.workspaces.list()
        },
      },
      models: {
        list: async () => {
          calls.push('models')
          return base.models.list()
        },
      } as BotAnaplanClient['models'],
    }
    const bot = await createBot({ anaplan: client, warmUp: false })
    await bot.prefetch?.()
    expect(calls.sort()).toEqual(['models', 'workspaces'])
    const reply = await bot.process({
      sessionId: 's',
      identity: { channel: 'dialogflow-es', userId: 'u' },
      text: 'hi',
      recognized: { intent: 'greeting', parameters: {} },
    })
    expect(
      reply.messages.some((m) => m.type === 'choices' && m.options.some((o) => o.label === 'Plan')),
    ).toBe(true)
    expect(calls).toHaveLength(2)
    await bot.close()
  })

  it('never rejects when Anaplan is down', async () => {
    const base = fakeClient([])
    const down = async () => {
      throw new Error('down')
    }
    const bot = await createBot({
      anaplan: { ...base, workspaces: { ...base.workspaces, list: down } },
      warmUp: false,
    })
    await expect(bot.prefetch?.()).resolves.toBeUndefined()
    await bot.close()
  })
})
