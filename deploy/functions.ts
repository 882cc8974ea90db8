/**
 * What gets deployed, as data: each function, the one service account it runs as, the secrets it
 * reads, and whether it is public. The plan (`plan.ts`) derives every IAM binding from this table
 * and nothing else, so a review of least privilege is a review of this file.
 */

/** A secret a function reads. `api` secrets are read by the code (Secret Manager API, optionally KMS-wrapped); `env` secrets are mounted by Cloud Run as an environment variable at instance start. */
export interface SecretUse {
  /** Which configured secret (see {@link SecretNames}). */
  secret: keyof SecretNames
  /** `env`: mounted as this variable (`--set-secrets VAR=secret:latest`); `api`: read by the code. */
  mount: { kind: 'api'; envVar: string } | { kind: 'env'; envVar: string }
  /** Whether the payload is KMS ciphertext when a KMS key is configured. */
  kmsWrapped: boolean
}

/** Names of the secrets in Secret Manager (overridable on the command line). */
export interface SecretNames {
  /** Anaplan credentials: `username:password` or JSON with certificate and key. */
  anaplanCredentials: string
  slackSigningSecret: string
  slackBotToken: string
  /** Password Dialogflow sends (basic auth) to the webhooks. */
  dialogflowWebhookPassword: string
  /** Optional shared key required from callers of the private functions (defence in depth). */
  functionSharedKey: string
}

export const DEFAULT_SECRET_NAMES: SecretNames = {
  anaplanCredentials: 'anaplan-credentials',
  slackSigningSecret: 'slack-signing-secret',
  slackBotToken: 'slack-bot-token',
  dialogflowWebhookPassword: 'dialogflow-webhook-password',
  functionSharedKey: 'function-shared-key',
}

export interface FunctionSpec {
  /** Deployed name (Cloud Run service name): lowercase, digits, hyphens. */
  name: string
  /** The registered handler (`functions.http(name, …)` in `src/functions/index.ts`). */
  entryPoint: string
  /** Service account id (the part before `@`), 6–30 chars. */
  serviceAccountId: string
  description: string
  /**
   * Reachable without a Google identity. Only endpoints that authenticate their callers themselves
   * (Slack request signatures, Dialogflow webhook basic auth) may be public.
   */
  public: boolean
  /** Why it may be public: the check it does itself. */
  callerVerification?: string
  secrets: SecretUse[]
  /** Request timeout in seconds. */
  timeoutSeconds: number
  memory: string
  /** Extra plain environment variables. */
  env?: Record<string, string>
  /**
   * Writes large export files to the export bucket (`--export-bucket`) and signs links to them:
   * with a bucket configured, its account may create and read objects under
   * {@link EXPORT_OBJECT_PREFIX} in that bucket only, and sign blobs as itself.
   */
  exportBucket?: boolean
}

const credentials: SecretUse = {
  secret: 'anaplanCredentials',
  mount: { kind: 'api', envVar: 'ANAPLAN_CREDENTIALS_SECRET' },
  kmsWrapped: true,
}

/** The six functions. */
export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'anaplan-auth-token',
    entryPoint: 'getAnaplanAuthToken',
    serviceAccountId: 'fn-anaplan-auth-token',
    description: 'Hands out a valid Anaplan token for the technical user',
    public: false,
    secrets: [credentials],
    timeoutSeconds: 30,
    memory: '256Mi',
  },
  {
    name: 'anaplan-run-action',
    entryPoint: 'runAnaplanAction',
    serviceAccountId: 'fn-anaplan-run-action',
    description: 'Runs Anaplan imports, exports, processes and delete actions',
    public: false,
    secrets: [credentials],
    timeoutSeconds: 540,
    memory: '512Mi',
    exportBucket: true,
  },
  {
    name: 'anaplan-data',
    entryPoint: 'anaplanData',
    serviceAccountId: 'fn-anaplan-data',
    description: 'Anaplan transactional API: views, cells, list items',
    public: false,
    secrets: [credentials],
    timeoutSeconds: 60,
    memory: '256Mi',
  },
  {
    name: 'anaplan-dialogflow-es',
    entryPoint: 'dialogflowWebhook',
    serviceAccountId: 'fn-anaplan-dialogflow-es',
    description: 'Dialogflow ES fulfillment webhook',
    public: true,
    callerVerification: 'basic auth configured on the Dialogflow agent (DIALOGFLOW_ES_USERNAME/PASSWORD)',
    secrets: [
      credentials,
      {
        secret: 'dialogflowWebhookPassword',
        mount: { kind: 'env', envVar: 'DIALOGFLOW_ES_PASSWORD' },
        kmsWrapped: false,
      },
    ],
    timeoutSeconds: 30,
    memory: '512Mi',
    env: { DIALOGFLOW_ES_USERNAME: 'dialogflow' },
  },
  {
    name: 'anaplan-dialogflow-cx',
    entryPoint: 'dialogflowCxWebhook',
    serviceAccountId: 'fn-anaplan-dialogflow-cx',
    description: 'Dialogflow CX webhook',
    public: true,
    callerVerification: 'basic auth configured on the CX webhook (DIALOGFLOW_CX_USERNAME/PASSWORD)',
    secrets: [
      credentials,
      {
        secret: 'dialogflowWebhookPassword',
        mount: { kind: 'env', envVar: 'DIALOGFLOW_CX_PASSWORD' },
        kmsWrapped: false,
      },
    ],
    timeoutSeconds: 60,
    memory: '512Mi',
    env: { DIALOGFLOW_CX_USERNAME: 'dialogflow' },
  },
  {
    name: 'anaplan-slack-events',
    entryPoint: 'slackEvents',
    serviceAccountId: 'fn-anaplan-slack-events',
    description: 'Slack Events API and interactivity endpoint',
    public: true,
    callerVerification: 'Slack request signatures (HMAC-SHA256 with the signing secret, 5-minute window)',
    secrets: [
      credentials,
      {
        secret: 'slackSigningSecret',
        mount: { kind: 'env', envVar: 'SLACK_SIGNING_SECRET' },
        kmsWrapped: false,
      },
      { secret: 'slackBotToken', mount: { kind: 'env', envVar: 'SLACK_BOT_TOKEN' }, kmsWrapped: false },
    ],
    timeoutSeconds: 60,
    memory: '512Mi',
  },
]

/** Where export files go in the bucket (`src/functions/common/export-delivery.ts` writes there). */
export const EXPORT_OBJECT_PREFIX = 'exports/'

/**
 * The roles an export-writing function gets on the bucket, each limited by an IAM condition to
 * objects under {@link EXPORT_OBJECT_PREFIX}. Creator writes new objects (no overwrite, no delete);
 * Viewer is needed because a signed URL carries the signer's own permissions: the GET it allows
 * succeeds only if the signing account may read the object. Under the condition, Viewer's listing
 * permission matches nothing (a list is checked on the bucket, not on an object name).
 */
export const EXPORT_BUCKET_ROLES = ['roles/storage.objectCreator', 'roles/storage.objectViewer'] as const

/**
 * Signing a URL without a key file (Cloud Run) calls the IAM Credentials `signBlob` API as the
 * function's own account, which needs this role on itself.
 */
export const EXPORT_SIGNER_ROLE = 'roles/iam.serviceAccountTokenCreator'

/** Lifecycle rule for the export bucket: `exports/` objects are deleted after a day. */
export const EXPORT_BUCKET_LIFECYCLE_FILE = 'deploy/export-bucket-lifecycle.json'

/** The service account that builds the functions' images, instead of the default Compute account. */
export const BUILD_SERVICE_ACCOUNT_ID = 'fn-anaplan-build'

/**
 * The only project-level roles in the plan, all for the build account: Cloud Build needs to write
 * logs, push the image and read the uploaded source (the documented minimum for a custom build
 * service account). Runtime accounts get no project-level role at all.
 */
export const BUILD_PROJECT_ROLES = [
  'roles/logging.logWriter',
  'roles/artifactregistry.writer',
  'roles/storage.objectViewer',
] as const

export const REQUIRED_APIS = [
  'cloudfunctions.googleapis.com',
  'run.googleapis.com',
  'cloudbuild.googleapis.com',
  'artifactregistry.googleapis.com',
  'secretmanager.googleapis.com',
  'iamcredentials.googleapis.com',
] as const
