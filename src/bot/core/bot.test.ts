/**
 * The confirm-before-write flow with an injected clock and a fake Anaplan client (any object of
 * the right shape: the bot depends on the interface, not on a module).
 */
import { describe, expect, it } from 'vitest'
import type { BotAnaplanClient, ListItemInput, ModelScope } from './anaplan.ts'
import { MemoryAuditSink } from './audit.ts'
import { createBot } from './bot.ts'
import { allowAllPolicy } from './policy.ts'
import { MemorySessionStore } from './session.ts'
import type { Message } from './types.ts'

function fakeClient(added: ListItemInput[][]): BotAnaplanClient {
  const overrides: Partial<ModelScope> = {
    workspaceId: 'W1',
    modelId: 'M1',
    workspaceName: 'WS',
    modelName: 'Plan',
    listLists: async () => [{ id: 'L1', name: 'Products' }],
    listItems: async () => [{ id: 'i1', name: 'Widgets' }],
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
