import { describe, expectTypeOf, it } from 'vitest'
import type {
  AnaplanClient,
  AnaplanCredentials,
  APIError,
  ModelScope,
  ModelsApi,
  NameResolutionError,
  RateLimitError,
  RunResult,
  TaskFailedError,
  UsersApi,
  WorkspacesApi,
} from './index.ts'

// The public surface other areas code against: a change here is a breaking change for them.
describe('public types', () => {
  it('AnaplanClient exposes the contract resources', () => {
    expectTypeOf<AnaplanClient['users']>().toEqualTypeOf<UsersApi>()
    expectTypeOf<AnaplanClient['workspaces']>().toEqualTypeOf<WorkspacesApi>()
    expectTypeOf<AnaplanClient['models']>().toEqualTypeOf<ModelsApi>()
    expectTypeOf<AnaplanClient['model']>().returns.resolves.toEqualTypeOf<ModelScope>()
    expectTypeOf<AnaplanClient['withOptions']>().returns.toEqualTypeOf<AnaplanClient>()
    expectTypeOf<AnaplanClient['stats']['retriesByReason']>().toEqualTypeOf<Record<string, number>>()
  })

  it('credentials are a discriminated union', () => {
    expectTypeOf<Extract<AnaplanCredentials, { kind: 'certificate' }>['encodedDataFormat']>().toEqualTypeOf<
      'v1' | 'v2' | undefined
    >()
    expectTypeOf<AnaplanCredentials['kind']>().toEqualTypeOf<'basic' | 'certificate' | 'oauth' | 'token'>()
  })

  it('errors carry what callers branch on', () => {
    expectTypeOf<RateLimitError>().toExtend<APIError>()
    expectTypeOf<RateLimitError['retryAfterMs']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<TaskFailedError['dumps']>().toEqualTypeOf<{ objectId: string; csv: string }[]>()
    expectTypeOf<NameResolutionError['candidates']>().toEqualTypeOf<string[]>()
    expectTypeOf<ModelScope['run']>().returns.resolves.toEqualTypeOf<RunResult>()
  })
})
