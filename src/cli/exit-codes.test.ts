import { describe, expect, it } from 'vitest'
import {
  AbortError,
  AuthenticationError,
  ConfigError,
  ConflictError,
  ConnectionError,
  ModelLockedError,
  NameResolutionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from '../anaplan/index.ts'
import { CliError, classifyError, ExitCode, UsageError } from './exit-codes.ts'

const req = { method: 'GET', url: 'https://api.anaplan.com/2/0/models' }
const api = <T>(Cls: new (...a: never[]) => T, status: number) =>
  new (Cls as unknown as new (s: number, h: Headers, b: unknown, r: typeof req) => T)(
    status,
    new Headers(),
    {},
    req,
  )

describe('exit codes', () => {
  it.each([
    [new UsageError('bad'), ExitCode.USAGE, 'usage'],
    [new ValidationError('bad id'), ExitCode.USAGE, 'usage'],
    [new ConfigError('no creds'), ExitCode.USAGE, 'usage'],
    [api(AuthenticationError, 401), ExitCode.AUTH, 'auth_failed'],
    [api(NotFoundError, 404), ExitCode.NOT_FOUND, 'not_found'],
    [api(PermissionDeniedError, 403), ExitCode.NOT_FOUND, 'no_access'],
    [
      new NameResolutionError('model', 'Sales Forcast', 'not_found', ['Sales Forecast (ABC)']),
      ExitCode.NOT_FOUND,
      'name_not_resolved',
    ],
    [api(RateLimitError, 429), ExitCode.UNAVAILABLE, 'rate_limited'],
    [api(ServerError, 503), ExitCode.UNAVAILABLE, 'unavailable'],
    [new ConnectionError('refused', req, 'connect'), ExitCode.UNAVAILABLE, 'unavailable'],
    [new TimeoutError('slow', req, 'response'), ExitCode.UNAVAILABLE, 'unavailable'],
    [api(ConflictError, 409), ExitCode.UNAVAILABLE, 'api_error'],
    [api(ModelLockedError, 423), ExitCode.UNAVAILABLE, 'api_error'],
    [
      new TaskFailedError('failed', {
        task: { successful: false, failureDumpAvailable: false },
        taskId: 'T',
      }),
      ExitCode.FAILED,
      'task_failed',
    ],
    [new AbortError('aborted'), ExitCode.INTERRUPTED, 'interrupted'],
    [new CliError('cancelled', ExitCode.INTERRUPTED, 'interrupted'), ExitCode.INTERRUPTED, 'interrupted'],
    [new TypeError('x is undefined'), ExitCode.FAILED, 'internal'],
    ['a string', ExitCode.FAILED, 'internal'],
  ])('%s -> %i %s', (error, exitCode, code) => {
    const r = classifyError(error)
    expect(r.exitCode).toBe(exitCode)
    expect(r.code).toBe(code)
  })

  it('keeps messages on one line and names close matches', () => {
    const r = classifyError(
      new NameResolutionError('model', 'Sales Forcast', 'not_found', ['Sales Forecast (ABC)']),
    )
    expect(r.message).toBe('No model named "Sales Forcast" was found. Did you mean: "Sales Forecast (ABC)"?')
    expect(classifyError(new Error('line one\n   line two')).message).toBe('line one line two')
  })
})
