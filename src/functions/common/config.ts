/**
 * The functions' settings, read from the environment once at the edge (the client never reads
 * `process.env`). Credentials are not here: they are loaded lazily, once per instance, by the
 * runtime (see `runtime.ts`).
 */

/** Environment as a plain map, so tests pass their own. */
export type Env = Readonly<Record<string, string | undefined>>

export interface FunctionsConfig {
  /** @default 'https://auth.anaplan.com' */
  authUrl: string
  /** @default 'https://api.anaplan.com/2/0' */
  apiUrl: string
  /** `FUNCTION_SHARED_KEY`: required from callers when set. */
  sharedKey: string | undefined
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

/** Reads {@link FunctionsConfig} from `env`. */
export function readFunctionsConfig(env: Env): FunctionsConfig {
  return {
    authUrl: env.ANAPLAN_AUTH_URL || 'https://auth.anaplan.com',
    apiUrl: env.ANAPLAN_API_URL || 'https://api.anaplan.com/2/0',
    sharedKey: env.FUNCTION_SHARED_KEY || undefined,
    projectId: env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || env.GCP_PROJECT || undefined,
    timeoutSeconds: positive(env.CLOUD_RUN_TIMEOUT_SECONDS) ?? positive(env.FUNCTION_TIMEOUT_SEC),
    uploadChunkBytes: positive(env.UPLOAD_CHUNK_BYTES),
  }
}

function positive(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
