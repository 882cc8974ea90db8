import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lambdaHandler } from '../../src/functions/adapters/lambda.ts'
import type { FunctionRuntime } from '../../src/functions/common/runtime.ts'
import { createAnaplanFunction } from '../../src/functions/registry.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import { SHARED_KEY, simEnv, simRuntime, simStats, startSim } from './functions-helpers.ts'

let sim: RunningSimulator
let runtime: FunctionRuntime

beforeAll(async () => {
  sim = await startSim()
  runtime = simRuntime(simEnv(sim, { FUNCTION_SHARED_KEY: SHARED_KEY }))
})
afterAll(async () => {
  await sim?.close()
})

/**
 * An API Gateway HTTP API (payload format 2.0) event, as Lambda delivers it (AWS docs "Working with
 * AWS Lambda proxy integrations for HTTP APIs"). Function URLs use the same format. Hono's event
 * types demand fields some real events lack (`authentication`, `authorizer`), hence the casts.
 */
function httpApiV2Event(o: {
  method: string
  path: string
  query?: string
  headers?: Record<string, string>
  body?: string
  base64?: boolean
  domainName?: string
}): LambdaEvent {
  const domainName = o.domainName ?? 'abc123.execute-api.eu-west-1.amazonaws.com'
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: o.path,
    rawQueryString: o.query ?? '',
    headers: {
      accept: 'application/json',
      'content-length': String(o.body?.length ?? 0),
      host: domainName,
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...o.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: domainName.split('.')[0],
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: o.method,
        path: o.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:02:00:00 +0000',
      timeEpoch: 1795399200000,
    },
    ...(o.body !== undefined ? { body: o.body } : {}),
    isBase64Encoded: o.base64 ?? false,
  } as unknown as LambdaEvent
}

/** An API Gateway REST API (payload format 1.0) proxy event. */
function restV1Event(o: {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}): LambdaEvent {
  const headers = {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'Content-Type': 'application/json',
    ...o.headers,
  }
  return {
    resource: '/{proxy+}',
    path: o.path,
    httpMethod: o.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: o.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      httpMethod: o.method,
      identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      path: `/prod${o.path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1795399200000,
      resourceId: 'abc123',
      resourcePath: '/{proxy+}',
      stage: 'prod',
    },
    body: o.body ?? null,
    isBase64Encoded: false,
  } as unknown as LambdaEvent
}

function context(remainingMs: number): LambdaContext {
  const deadline = Date.now() + remainingMs
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'anaplan-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:anaplan-fn',
    memoryLimitInMB: '256',
    awsRequestId: 'a1b2c3',
    logGroupName: '/aws/lambda/anaplan-fn',
    logStreamName: '2026/11/23/[$LATEST]abc',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  }
}

describe('Lambda handlers', () => {
  it('serves the token function to an HTTP API v2 event and authenticates once', async () => {
    const handler = lambdaHandler(() => createAnaplanFunction('getAnaplanAuthToken', runtime))
    const before = (await simStats(sim)).auth.authenticate
    for (let i = 0; i < 3; i++) {
      const res = await handler(
        httpApiV2Event({ method: 'GET', path: '/', headers: { 'x-api-key': SHARED_KEY } }),
        context(30_000),
      )
      expect(res.statusCode).toBe(200)
      expect(JSON.parse(res.body)).toMatchObject({
        tokenType: 'AnaplanAuthToken',
        tokenValue: expect.any(String),
      })
    }
    expect((await simStats(sim)).auth.authenticate - before).toBe(1)
  })

  it('refuses an anonymous function URL call', async () => {
    const handler = lambdaHandler(() => createAnaplanFunction('getAnaplanAuthToken', runtime))
    const res = await handler(
      httpApiV2Event({ method: 'GET', path: '/', domainName: 'xyz789.lambda-url.eu-west-1.on.aws' }),
      context(30_000),
    )
    expect(res.statusCode).toBe(401)
    expect(JSON.parse(res.body).error.code).toBe('unauthorized')
  })

  it('serves the data function to a REST API v1 event with the function name in the path', async () => {
    const handler = lambdaHandler(() => createAnaplanFunction('anaplanData', runtime))
    const res = await handler(
      restV1Event({
        method: 'POST',
        path: '/anaplanData/listItems',
        headers: { 'x-api-key': SHARED_KEY },
        body: JSON.stringify({ model: 'Sales Forecast', list: 'Regions' }),
      }),
      context(30_000),
    )
    expect(res.statusCode).toBe(200)
    expect(JSON.parse(res.body).items.map((i: { name: string }) => i.name)).toContain('EMEA')

    const bad = await handler(
      restV1Event({
        method: 'POST',
        path: '/readView',
        headers: { 'x-api-key': SHARED_KEY },
        body: '{"model":"Sales Forecast"}',
      }),
      context(30_000),
    )
    expect(bad.statusCode).toBe(400)
    expect(JSON.parse(bad.body).error.message).toMatch(/view/)
  })

  it('takes a base64 CSV body on a function URL and runs the import', async () => {
    const handler = lambdaHandler(() => createAnaplanFunction('runAnaplanAction', runtime))
    const csv = 'Region,Product,Month,Version,Units,Price\nLATAM,Gadgets,Jun 26,Actual,42,40\n'
    const res = await handler(
      httpApiV2Event({
        method: 'POST',
        path: '/run',
        query: 'model=Sales%20Forecast&action=Load%20Actuals',
        headers: { 'x-api-key': SHARED_KEY, 'content-type': 'text/csv' },
        body: Buffer.from(csv).toString('base64'),
        base64: true,
        domainName: 'xyz789.lambda-url.eu-west-1.on.aws',
      }),
      context(30_000),
    )
    expect(res.statusCode).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({
      status: 'COMPLETE',
      successful: true,
      actionName: 'Load Actuals',
    })
  })
})

describe('Lambda deadline', () => {
  let slow: RunningSimulator
  afterAll(async () => {
    await slow?.close()
  })

  it('answers with the task id before Lambda would cut the invocation off', async () => {
    slow = await startSim({ taskMs: 10_000 })
    const rt = simRuntime(simEnv(slow))
    const handler = lambdaHandler(() => createAnaplanFunction('runAnaplanAction', rt))
    const res = await handler(
      httpApiV2Event({
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'Sales Forecast', action: 'Revenue Export', waitSeconds: 600 }),
      }),
      // 4 s left: the function keeps a 3 s margin, so it waits about one second.
      context(4000),
    )
    expect(res.statusCode).toBe(202)
    const body = JSON.parse(res.body)
    expect(body.status).not.toBe('COMPLETE')
    expect(body.statusPath).toContain(body.taskId)
  })
})
