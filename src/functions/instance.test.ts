import { describe, expect, it } from 'vitest'
import { silentLogger } from '../shared/logger.ts'
import { FunctionRuntime } from './common/runtime.ts'
import { ALL_FUNCTIONS, createFunction, lazyHandler, startedTarget, warmInstance } from './instance.ts'
import { ANAPLAN_FUNCTIONS, createAnaplanFunction } from './registry.ts'

describe('startedTarget', () => {
  it('reads the target the way the Functions Framework does: flag first, then FUNCTION_TARGET', () => {
    expect(startedTarget(['node', 'main.js', '--target=dialogflowWebhook'], {})).toBe('dialogflowWebhook')
    expect(startedTarget(['node', 'main.js', '--target', 'slackEvents'], {})).toBe('slackEvents')
    expect(startedTarget(['node', 'main.js'], { FUNCTION_TARGET: 'anaplanData' })).toBe('anaplanData')
    expect(
      startedTarget(['node', 'main.js', '--target=runAnaplanAction'], { FUNCTION_TARGET: 'anaplanData' }),
    ).toBe('runAnaplanAction')
  })

  it('names none of ours when there is no target or another one', () => {
    expect(startedTarget(['node', 'vitest'], {})).toBeUndefined()
    expect(startedTarget(['node', 'main.js', '--target=helloWorld'], {})).toBeUndefined()
    expect(startedTarget(['node', 'main.js', '--target'], {})).toBeUndefined()
  })
})

describe('lazyHandler', () => {
  const app = (text: string) => ({ fetch: () => new Response(text) })

  it('builds once, on warm() or on the first request, whichever comes first', async () => {
    let builds = 0
    const handler = lazyHandler(() => {
      builds++
      return app(`build ${builds}`)
    })
    expect(builds).toBe(0)
    await handler.warm()
    await handler.warm()
    expect(await (await handler(new Request('http://x/'))).text()).toBe('build 1')
    expect(builds).toBe(1)
  })

  it("lets the app do its own ahead-of-time work on warm() (a bot function's bot)", async () => {
    let warmed = 0
    const handler = lazyHandler(() => ({
      fetch: () => new Response(`warmed ${warmed}`),
      warm: async () => {
        warmed++
      },
    }))
    await handler.warm()
    expect(await (await handler(new Request('http://x/'))).text()).toBe('warmed 1')
  })

  it('does not keep a failed build: the next request builds again', async () => {
    let builds = 0
    const handler = lazyHandler(async () => {
      builds++
      if (builds === 1) throw new Error('credentials unreadable')
      return app('ok')
    })
    await expect(handler.warm()).rejects.toThrow('credentials unreadable')
    expect(await (await handler(new Request('http://x/'))).text()).toBe('ok')
    expect(builds).toBe(2)
  })
})

describe('createFunction', () => {
  it('builds every function by name, importing its module on demand', async () => {
    const runtime = new FunctionRuntime({ env: {}, logger: silentLogger })
    for (const name of ALL_FUNCTIONS) {
      const fn = await createFunction(name, runtime)
      const res = await fn.request('/healthz')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', function: name })
    }
  })

  it('builds the same Anaplan functions as the synchronous registry', async () => {
    const runtime = new FunctionRuntime({ env: {}, logger: silentLogger })
    for (const name of ANAPLAN_FUNCTIONS) {
      const lazy = await (await createFunction(name, runtime)).request('/healthz')
      const eager = await createAnaplanFunction(name, runtime).request('/healthz')
      expect(await lazy.json()).toEqual(await eager.json())
    }
  })
})

describe('warmInstance', () => {
  it('builds the app and asks for a token, and settles even when both fail', async () => {
    // No credentials configured: the token fails, and so does this factory; neither throws here.
    const runtime = new FunctionRuntime({ env: {}, logger: silentLogger })
    let built = 0
    const handler = lazyHandler(() => {
      built++
      throw new Error('no app')
    })
    await expect(warmInstance(handler, runtime)).resolves.toBeUndefined()
    expect(built).toBe(1)
    expect(runtime.credentialsLoaded).toBe(false)
  })
})
