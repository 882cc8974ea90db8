/**
 * RedisSessionStore against a real redis-server started by the test on a free port (Debian's
 * `redis-server`; `.ci/run` installs it). Two bot instances share one store and keep each other's
 * pending confirmations.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnaplanClient } from '../../src/anaplan/index.ts'
import { allowAllPolicy, createBot, emptySession } from '../../src/bot/core/index.ts'
import { RedisSessionStore } from '../../src/bot/stores/redis.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'

let server: ChildProcess
let url: string

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

beforeAll(async () => {
  try {
    execFileSync('redis-server', ['--version'])
  } catch {
    throw new Error(
      'redis-server is not installed: `apt-get install redis-server` (.ci/run does this). These tests need a real Redis.',
    )
  }
  const port = await freePort()
  server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  url = `redis://127.0.0.1:${port}`
  // Wait until it accepts connections.
  const probe = new RedisSessionStore({ url })
  const end = Date.now() + 10_000
  for (;;) {
    try {
      await probe.get('probe')
      break
    } catch (e) {
      if (Date.now() > end) throw e
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  await probe.close()
})

afterAll(() => {
  server?.kill('SIGTERM')
})

describe('RedisSessionStore', () => {
  it('stores, versions, compares-and-sets and deletes sessions', async () => {
    const store = new RedisSessionStore({ url, prefix: `t1-${Date.now()}:` })
    expect(await store.get('a')).toBeUndefined()
    const s = emptySession(Date.now())
    expect(await store.set('a', s, { ifVersion: 0 })).toBe(1)
    expect(await store.set('a', s, { ifVersion: 0 })).toBe(false)
    s.view = { name: 'Revenue by Region', pages: { Products: 'Gadgets' } }
    expect(await store.set('a', s, { ifVersion: 1 })).toBe(2)
    const got = await store.get('a')
    expect(got?.version).toBe(2)
    expect(got?.value.view?.pages.Products).toBe('Gadgets')
    await store.delete('a')
    expect(await store.get('a')).toBeUndefined()
    await store.close()
  })

  it('expires sessions after their TTL', async () => {
    const store = new RedisSessionStore({ url, prefix: `t2-${Date.now()}:` })
    await store.set('a', emptySession(Date.now()), { ttlMs: 150 })
    expect(await store.get('a')).toBeDefined()
    await new Promise((r) => setTimeout(r, 400))
    expect(await store.get('a')).toBeUndefined()
    await store.close()
  })

  it('lets exactly one of many concurrent writers win a compare-and-set', async () => {
    const stores = [0, 1, 2, 3].map(() => new RedisSessionStore({ url, prefix: 't3:' }))
    await stores[0]?.set('race', emptySession(Date.now()))
    const v = (await stores[0]?.get('race'))?.version ?? 0
    const results = await Promise.all(
      stores.map((s) => s.set('race', emptySession(Date.now()), { ifVersion: v })),
    )
    expect(results.filter((r) => r !== false)).toHaveLength(1)
    await Promise.all(stores.map((s) => s.close()))
  })

  describe('two bot instances sharing the store', () => {
    let sim: RunningSimulator
    beforeAll(async () => {
      sim = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: 20 })
    })
    afterAll(async () => {
      await sim.close()
    })

    it('confirms on instance B a change asked on instance A', async () => {
      const client = () =>
        new AnaplanClient({
          authUrl: sim.authUrl,
          apiUrl: sim.apiUrl,
          credentials: { kind: 'basic', username: 'analyst@example.com', password: 'demo-password' },
        })
      const prefix = `t4-${Date.now()}:`
      const a = await createBot({
        anaplan: client(),
        policy: allowAllPolicy(),
        store: new RedisSessionStore({ url, prefix }),
      })
      const b = await createBot({
        anaplan: client(),
        policy: allowAllPolicy(),
        store: new RedisSessionStore({ url, prefix }),
      })
      const identity = { channel: 'slack' as const, userId: 'U1', teamId: 'T1' }
      await a.process({ sessionId: 'shared', identity, text: 'connect to Sales Forecast' })
      const ask = await a.process({ sessionId: 'shared', identity, text: 'add Whatsits to Products' })
      expect(JSON.stringify(ask.messages)).toContain("Add 'Whatsits' to Products")
      const done = await b.process({ sessionId: 'shared', identity, text: 'yes' })
      expect(JSON.stringify(done.messages)).toContain("Added 'Whatsits' to Products")
      await a.close()
      await b.close()
    })
  })
})
