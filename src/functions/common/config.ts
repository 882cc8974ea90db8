/**
 * The functions' settings, read from the environment once at the edge (the client never reads
 * `process.env`) through one table (see `src/shared/env-table.ts`). Credentials are not here: they
 * are loaded lazily, once per instance, by the runtime (see `runtime.ts`).
 */
import { type EnvValues, parse, readEnvTable } from '../../shared/env-table.ts'

/** Environment as a plain map, so tests pass their own. */
export type { Env } from '../../shared/env-table.ts'

import type { Env } from '../../shared/env-table.ts'

export const FUNCTIONS_ENV = {
  authUrl: { name: 'ANAPLAN_AUTH_URL', parse: parse.url, doc: 'Anaplan authentication service' },
  apiUrl: { name: 'ANAPLAN_API_URL', parse: parse.url, doc: 'Anaplan API base' },
  sharedKey: {
    name: 'FUNCTION_SHARED_KEY',
    parse: parse.text,
    secret: true,
    doc: 'key callers present as x-api-key (or Bearer)',
  },
  invokerAuth: {
    name: 'FUNCTION_INVOKER_AUTH',
    parse: parse.oneOf('platform'),
    doc: 'platform: the platform (Cloud Run IAM, a Lambda authorizer) authenticates every caller',
  },
  project: { name: 'GOOGLE_CLOUD_PROJECT', parse: parse.text, doc: 'project id for trace ids' },
  gcloudProject: { name: 'GCLOUD_PROJECT', parse: parse.text, doc: 'project id (older runtimes)' },
  gcpProject: { name: 'GCP_PROJECT', parse: parse.text, doc: 'project id (older runtimes)' },
  cloudRunTimeout: {
    name: 'CLOUD_RUN_TIMEOUT_SECONDS',
    parse: parse.positive,
    doc: 'request timeout (Cloud Run functions)',
  },
  gen1Timeout: { name: 'FUNCTION_TIMEOUT_SEC', parse: parse.positive, doc: 'request timeout (gen1)' },
  uploadChunkBytes: { name: 'UPLOAD_CHUNK_BYTES', parse: parse.positive, doc: 'import upload chunk size' },
} as const

export interface FunctionsConfig {
  /** @default 'https://auth.anaplan.com' */
  authUrl: string
  /** @default 'https://api.anaplan.com/2/0' */
  apiUrl: string
  /** `FUNCTION_SHARED_KEY`: required from callers when set. */
  sharedKey: string | undefined
  /**
   * `FUNCTION_INVOKER_AUTH=platform`: the deployment asserts that the platform authenticates every
   * caller. Without it or a shared key, functions that hand out tokens or data refuse to serve.
   */
  platformInvokerAuth?: boolean
  /** For trace ids in logs: `GOOGLE_CLOUD_PROJECT`, `GCLOUD_PROJECT` or `GCP_PROJECT`. */
  projectId: string | undefined
  /**
   * The platform's request timeout in seconds (`CLOUD_RUN_TIMEOUT_SECONDS` on Cloud Run functions,
   * `FUNCTION_TIMEOUT_SEC` on gen1). Waits end before it so the caller gets a task id, not a 504.
   */
  timeoutSeconds: number | undefined
  /** `UPLOAD_CHUNK_BYTES`: chunk size of import uploads. @default the client's (10 MiB) */
  uploadChunkBytes: number | undefined
}

/**
 * Reads {@link FunctionsConfig} from `env`.
 * @throws {ConfigError} naming a variable whose value does not parse.
 */
export function readFunctionsConfig(env: Env): FunctionsConfig {
  const v: EnvValues<typeof FUNCTIONS_ENV> = readEnvTable(FUNCTIONS_ENV, env)
  return {
    authUrl: v.authUrl ?? 'https://auth.anaplan.com',
    apiUrl: v.apiUrl ?? 'https://api.anaplan.com/2/0',
    sharedKey: v.sharedKey,
    platformInvokerAuth: v.invokerAuth === 'platform',
    projectId: v.project ?? v.gcloudProject ?? v.gcpProject,
    timeoutSeconds: v.cloudRunTimeout ?? v.gen1Timeout,
    uploadChunkBytes: v.uploadChunkBytes,
  }
}
