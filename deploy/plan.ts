/**
 * Turns the function table (`functions.ts`) and a few options into an ordered deployment plan of
 * `gcloud` commands. Pure: no I/O, so a test can check offline that the plan grants nothing beyond
 * what each function needs.
 */
import {
  BUILD_PROJECT_ROLES,
  BUILD_SERVICE_ACCOUNT_ID,
  DEFAULT_SECRET_NAMES,
  EXPORT_BUCKET_LIFECYCLE_FILE,
  EXPORT_BUCKET_ROLES,
  EXPORT_OBJECT_PREFIX,
  EXPORT_SIGNER_ROLE,
  FUNCTIONS,
  type FunctionSpec,
  REQUIRED_APIS,
  type SecretNames,
  type SecretUse,
} from './functions.ts'

export const RUNTIME = 'nodejs22'

export interface DeployOptions {
  project: string
  region: string
  /** `projects/P/locations/L/keyRings/R/cryptoKeys/K`: the credentials secret holds KMS ciphertext. */
  kmsKey?: string
  /** Secret names, when they differ from the defaults. */
  secrets?: Partial<SecretNames>
  /** Deploy only these functions (deployed names or entry points). @default all */
  only?: string[]
  /**
   * Who may call the private functions: `member` (all of them) or `name=member`
   * (e.g. `anaplan-data=serviceAccount:reporting@P.iam.gserviceaccount.com`).
   */
  invokers?: string[]
  /**
   * Keep the Dialogflow webhooks private and let only the Dialogflow service agent invoke them
   * (CX "service agent auth" / ES service identity tokens). Needs `projectNumber`.
   */
  dialogflowIam?: boolean
  projectNumber?: string
  /** Also require `FUNCTION_SHARED_KEY` (from its secret) on the private functions. */
  sharedKey?: boolean
  /** The identity that runs the deploy; granted `iam.serviceAccountUser` on each account it deploys as. */
  deployer?: string
  anaplanAuthUrl?: string
  anaplanApiUrl?: string
  /** @default '.' */
  source?: string
  /** @default 10 */
  maxInstances?: number
  /**
   * Cloud Storage bucket for large export files, answered as signed links (`EXPORT_BUCKET`).
   * Created if missing (uniform access, public access prevented, in `region`), with a lifecycle
   * rule deleting `exports/` after a day. Use a bucket of its own: the plan sets its lifecycle.
   */
  exportBucket?: string
}

/** One IAM grant the plan makes. */
export interface Binding {
  member: string
  role: string
  /** `project`, `secret`, `kms-key`, `run-service`, `service-account`, `bucket`. */
  resourceType: 'project' | 'secret' | 'kms-key' | 'run-service' | 'service-account' | 'bucket'
  resource: string
  /** An IAM condition narrowing the grant (bucket grants: one object prefix). */
  condition?: { title: string; expression: string }
}

export interface Step {
  /** What the step does, for the printed plan. */
  title: string
  argv: string[]
  /** A command whose success means the step is already done (create steps are skipped then). */
  skipIf?: string[]
  /** A command that must succeed first (e.g. the secret exists); the run stops with `requireMessage` otherwise. */
  require?: string[]
  requireMessage?: string
  binding?: Binding
}

export interface DeployPlan {
  options: DeployOptions
  steps: Step[]
  bindings: Binding[]
  functions: {
    spec: FunctionSpec
    serviceAccount: string
    public: boolean
    env: Record<string, string>
    secretEnv: Record<string, string>
  }[]
}

/** Validation errors of the options, before any command is built. */
export class PlanError extends Error {
  override name = 'PlanError'
}

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/
const REGION = /^[a-z]+-[a-z]+\d+$/
const KMS_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/
const MEMBER = /^(user|serviceAccount|group|domain):[^\s,=]+$/
// Dotted bucket names need domain verification; plain ones are 3–63 of these characters.
const BUCKET = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/

/** The IAM condition that limits a bucket grant to the export objects. */
export function exportObjectsCondition(bucket: string): { title: string; expression: string } {
  return {
    title: 'export-objects-only',
    expression: `resource.name.startsWith("projects/_/buckets/${bucket}/objects/${EXPORT_OBJECT_PREFIX}")`,
  }
}

export function saEmail(id: string, project: string): string {
  return `${id}@${project}.iam.gserviceaccount.com`
}

/** Builds the plan. @throws {PlanError} on invalid options. */
export function buildPlan(options: DeployOptions): DeployPlan {
  const { project, region } = options
  if (!PROJECT_ID.test(project)) throw new PlanError(`--project "${project}" is not a project id`)
  if (!REGION.test(region)) throw new PlanError(`--region "${region}" is not a region (e.g. europe-west1)`)
  if (options.kmsKey && !KMS_KEY.test(options.kmsKey)) {
    throw new PlanError('--kms-key must be projects/P/locations/L/keyRings/R/cryptoKeys/K')
  }
  if (options.dialogflowIam && !/^\d+$/.test(options.projectNumber ?? '')) {
    throw new PlanError(
      '--dialogflow-iam needs --project-number (the Dialogflow service agent is named after it)',
    )
  }
  const bucket = options.exportBucket
  if (
    bucket !== undefined &&
    (!BUCKET.test(bucket) || bucket.startsWith('goog') || bucket.includes('google'))
  ) {
    throw new PlanError(
      `--export-bucket "${bucket}" is not a bucket name (3-63 lowercase letters, digits, - and _; no gs://)`,
    )
  }
  const names: SecretNames = { ...DEFAULT_SECRET_NAMES, ...options.secrets }
  const selected = FUNCTIONS.filter(
    (f) => !options.only?.length || options.only.includes(f.name) || options.only.includes(f.entryPoint),
  )
  const unknown = (options.only ?? []).filter(
    (o) => !FUNCTIONS.some((f) => f.name === o || f.entryPoint === o),
  )
  if (unknown.length) throw new PlanError(`Unknown function(s): ${unknown.join(', ')}`)

  const invokers = parseInvokers(options.invokers ?? [], selected)
  const buildSa = saEmail(BUILD_SERVICE_ACCOUNT_ID, project)
  const steps: Step[] = []
  const bindings: Binding[] = []
  const bind = (title: string, argv: string[], binding: Binding, extra: Partial<Step> = {}) => {
    steps.push({ title, argv, binding, ...extra })
    bindings.push(binding)
  }

  const exportWriters = bucket ? selected.filter((f) => f.exportBucket) : []
  const apis = [
    ...REQUIRED_APIS,
    ...(options.kmsKey ? ['cloudkms.googleapis.com'] : []),
    ...(exportWriters.length ? ['storage.googleapis.com'] : []),
  ]
  steps.push({
    title: 'Enable the APIs',
    argv: ['gcloud', 'services', 'enable', ...apis, `--project=${project}`],
  })
  if (bucket && exportWriters.length) {
    steps.push({
      title: `Create the export bucket ${bucket}`,
      argv: [
        'gcloud',
        'storage',
        'buckets',
        'create',
        `gs://${bucket}`,
        `--project=${project}`,
        `--location=${region}`,
        // Uniform access is what lets the grants below carry an IAM condition.
        '--uniform-bucket-level-access',
        '--public-access-prevention',
      ],
      skipIf: ['gcloud', 'storage', 'buckets', 'describe', `gs://${bucket}`, '--format=value(name)'],
    })
    steps.push({
      title: `Delete ${EXPORT_OBJECT_PREFIX} objects in ${bucket} after a day`,
      argv: [
        'gcloud',
        'storage',
        'buckets',
        'update',
        `gs://${bucket}`,
        `--lifecycle-file=${EXPORT_BUCKET_LIFECYCLE_FILE}`,
      ],
    })
  }

  // The build account replaces the default Compute account, which holds Editor on the project.
  createServiceAccount(steps, BUILD_SERVICE_ACCOUNT_ID, 'Builds the Anaplan functions', project)
  for (const role of BUILD_PROJECT_ROLES) {
    bind(
      `Let the build account ${role.replace('roles/', '')}`,
      [
        'gcloud',
        'projects',
        'add-iam-policy-binding',
        project,
        `--member=serviceAccount:${buildSa}`,
        `--role=${role}`,
        '--condition=None',
      ],
      { member: `serviceAccount:${buildSa}`, role, resourceType: 'project', resource: project },
    )
  }

  const planned: DeployPlan['functions'] = []
  const secretsChecked = new Set<string>()
  for (const fn of selected) {
    const sa = saEmail(fn.serviceAccountId, project)
    const member = `serviceAccount:${sa}`
    const isPublic = fn.public && !(options.dialogflowIam && fn.entryPoint.startsWith('dialogflow'))
    createServiceAccount(steps, fn.serviceAccountId, fn.description, project)
    if (options.deployer) {
      bind(
        `Let ${options.deployer} deploy as ${fn.serviceAccountId}`,
        [
          'gcloud',
          'iam',
          'service-accounts',
          'add-iam-policy-binding',
          sa,
          `--project=${project}`,
          `--member=${options.deployer}`,
          '--role=roles/iam.serviceAccountUser',
        ],
        {
          member: options.deployer,
          role: 'roles/iam.serviceAccountUser',
          resourceType: 'service-account',
          resource: sa,
        },
      )
    }

    const uses: SecretUse[] = [...fn.secrets]
    if (options.sharedKey && !isPublic) {
      uses.push({
        secret: 'functionSharedKey',
        mount: { kind: 'env', envVar: 'FUNCTION_SHARED_KEY' },
        kmsWrapped: false,
      })
    }
    const env: Record<string, string> = {
      GOOGLE_CLOUD_PROJECT: project,
      LOG_LEVEL: 'info',
      // Deployed --no-allow-unauthenticated: Cloud Run IAM checks every caller, which the function
      // must be told before it serves tokens or data without a shared key.
      ...(isPublic ? {} : { FUNCTION_INVOKER_AUTH: 'platform' }),
      ...fn.env,
    }
    if (bucket && fn.exportBucket) {
      env.EXPORT_BUCKET = bucket
      for (const role of EXPORT_BUCKET_ROLES) {
        const condition = exportObjectsCondition(bucket)
        bind(
          `Let ${fn.serviceAccountId} ${role === 'roles/storage.objectCreator' ? 'write' : 'read'} ${EXPORT_OBJECT_PREFIX} objects in ${bucket}`,
          [
            'gcloud',
            'storage',
            'buckets',
            'add-iam-policy-binding',
            `gs://${bucket}`,
            `--member=${member}`,
            `--role=${role}`,
            `--condition=expression=${condition.expression},title=${condition.title}`,
          ],
          { member, role, resourceType: 'bucket', resource: bucket, condition },
        )
      }
      bind(
        `Let ${fn.serviceAccountId} sign export links as itself`,
        [
          'gcloud',
          'iam',
          'service-accounts',
          'add-iam-policy-binding',
          sa,
          `--project=${project}`,
          `--member=${member}`,
          `--role=${EXPORT_SIGNER_ROLE}`,
        ],
        { member, role: EXPORT_SIGNER_ROLE, resourceType: 'service-account', resource: sa },
      )
    }
    if (options.anaplanAuthUrl) env.ANAPLAN_AUTH_URL = options.anaplanAuthUrl
    if (options.anaplanApiUrl) env.ANAPLAN_API_URL = options.anaplanApiUrl
    const secretEnv: Record<string, string> = {}
    for (const use of uses) {
      const secret = names[use.secret]
      if (!secretsChecked.has(secret)) {
        secretsChecked.add(secret)
        steps.push({
          title: `Check that secret ${secret} exists`,
          argv: ['true'],
          require: ['gcloud', 'secrets', 'describe', secret, `--project=${project}`, '--format=value(name)'],
          requireMessage: `Create the secret ${secret} first (docs/deploy.md, "Create the secret")`,
        })
      }
      bind(
        `Let ${fn.serviceAccountId} read secret ${secret}`,
        [
          'gcloud',
          'secrets',
          'add-iam-policy-binding',
          secret,
          `--project=${project}`,
          `--member=${member}`,
          '--role=roles/secretmanager.secretAccessor',
          '--condition=None',
        ],
        { member, role: 'roles/secretmanager.secretAccessor', resourceType: 'secret', resource: secret },
      )
      if (use.mount.kind === 'api')
        env[use.mount.envVar] = `projects/${project}/secrets/${secret}/versions/latest`
      else secretEnv[use.mount.envVar] = `${secret}:latest`
      if (use.kmsWrapped && options.kmsKey) {
        env.ANAPLAN_CREDENTIALS_KMS_KEY = options.kmsKey
        bind(
          `Let ${fn.serviceAccountId} decrypt with the credentials key`,
          [
            'gcloud',
            'kms',
            'keys',
            'add-iam-policy-binding',
            options.kmsKey,
            `--member=${member}`,
            '--role=roles/cloudkms.cryptoKeyDecrypter',
          ],
          {
            member,
            role: 'roles/cloudkms.cryptoKeyDecrypter',
            resourceType: 'kms-key',
            resource: options.kmsKey,
          },
        )
      }
    }

    for (const [k, v] of Object.entries({ ...env, ...secretEnv })) {
      if (v.includes(',')) throw new PlanError(`The value of ${k} contains a comma, which gcloud would split`)
    }
    const argv = [
      'gcloud',
      'functions',
      'deploy',
      fn.name,
      '--gen2',
      `--runtime=${RUNTIME}`,
      `--region=${region}`,
      `--project=${project}`,
      `--source=${options.source ?? '.'}`,
      `--entry-point=${fn.entryPoint}`,
      '--trigger-http',
      isPublic ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      `--service-account=${sa}`,
      `--build-service-account=projects/${project}/serviceAccounts/${buildSa}`,
      `--timeout=${fn.timeoutSeconds}s`,
      `--memory=${fn.memory}`,
      `--max-instances=${options.maxInstances ?? 10}`,
      `--set-env-vars=${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    ]
    if (Object.keys(secretEnv).length) {
      argv.push(
        `--set-secrets=${Object.entries(secretEnv)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`,
      )
    }
    steps.push({
      title: `Deploy ${fn.name} (${isPublic ? `public: ${fn.callerVerification}` : 'private'})`,
      argv,
    })

    const callers = [...(invokers.get(fn.name) ?? [])]
    if (options.dialogflowIam && fn.entryPoint.startsWith('dialogflow')) {
      callers.push(
        `serviceAccount:service-${options.projectNumber}@gcp-sa-dialogflow.iam.gserviceaccount.com`,
      )
    }
    if (!isPublic) {
      for (const caller of callers) {
        bind(
          `Let ${caller} invoke ${fn.name}`,
          [
            'gcloud',
            'run',
            'services',
            'add-iam-policy-binding',
            fn.name,
            `--region=${region}`,
            `--project=${project}`,
            `--member=${caller}`,
            '--role=roles/run.invoker',
          ],
          { member: caller, role: 'roles/run.invoker', resourceType: 'run-service', resource: fn.name },
        )
      }
    }
    planned.push({ spec: fn, serviceAccount: sa, public: isPublic, env, secretEnv })
  }
  return { options, steps, bindings, functions: planned }
}

function createServiceAccount(steps: Step[], id: string, description: string, project: string): void {
  steps.push({
    title: `Create service account ${id}`,
    argv: [
      'gcloud',
      'iam',
      'service-accounts',
      'create',
      id,
      `--project=${project}`,
      `--display-name=${description}`,
    ],
    skipIf: ['gcloud', 'iam', 'service-accounts', 'describe', saEmail(id, project), `--project=${project}`],
  })
}

function parseInvokers(specs: string[], selected: readonly FunctionSpec[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const add = (fn: string, member: string) => out.set(fn, [...(out.get(fn) ?? []), member])
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    const target = eq > 0 ? spec.slice(0, eq) : undefined
    const member = eq > 0 ? spec.slice(eq + 1) : spec
    if (!MEMBER.test(member)) {
      throw new PlanError(`--invoker "${spec}": the member must be user:, serviceAccount:, group: or domain:`)
    }
    if (member === 'allUsers' || member === 'allAuthenticatedUsers')
      throw new PlanError('--invoker cannot be public')
    if (target === undefined) {
      for (const f of selected) if (!f.public) add(f.name, member)
      continue
    }
    const fn = selected.find((f) => f.name === target || f.entryPoint === target)
    if (!fn) throw new PlanError(`--invoker "${spec}": no function ${target} in this deployment`)
    add(fn.name, member)
  }
  return out
}

/** Quotes one argument for a POSIX shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** The plan as a commented shell script. */
export function renderScript(plan: DeployPlan): string {
  const lines = [
    '#!/usr/bin/env bash',
    `# Anaplan functions: deployment plan for project ${plan.options.project}, region ${plan.options.region}`,
    '# Generated by deploy/gcp.ts; secrets are created separately (docs/deploy.md).',
    'set -euo pipefail',
    '',
  ]
  for (const step of plan.steps) {
    lines.push(`# ${step.title}`)
    if (step.require) {
      lines.push(
        `${step.require.map(shellQuote).join(' ')} >/dev/null || { echo ${shellQuote(step.requireMessage ?? 'precondition failed')} >&2; exit 1; }`,
      )
    }
    if (step.argv[0] === 'true') {
      lines.push('')
      continue
    }
    // Positional words on the first line, one flag per line after it.
    const firstFlag = step.argv.findIndex((a) => a.startsWith('--'))
    const head = step.argv
      .slice(0, firstFlag < 0 ? undefined : firstFlag)
      .map(shellQuote)
      .join(' ')
    const flags = firstFlag < 0 ? [] : step.argv.slice(firstFlag).map(shellQuote)
    const cmd = [head, ...flags].join(' \\\n    ')
    lines.push(
      step.skipIf ? `${step.skipIf.map(shellQuote).join(' ')} >/dev/null 2>&1 || \\\n  ${cmd}` : cmd,
      '',
    )
  }
  return lines.join('\n')
}
