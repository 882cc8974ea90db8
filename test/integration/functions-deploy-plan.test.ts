import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { BUILD_PROJECT_ROLES, DEFAULT_SECRET_NAMES, FUNCTIONS } from '../../deploy/functions.ts'
import {
  type Binding,
  buildPlan,
  type DeployOptions,
  type DeployPlan,
  PlanError,
  renderScript,
} from '../../deploy/plan.ts'

const PROJECT = 'demo-project'
const KMS = 'projects/demo-project/locations/europe-west1/keyRings/anaplan/cryptoKeys/credentials'
const BOT_ENDPOINTS = ['dialogflowWebhook', 'dialogflowCxWebhook', 'slackEvents']

const base: DeployOptions = { project: PROJECT, region: 'europe-west1' }

/** Every binding must be one of the pairs the function table justifies; returns the offenders. */
function unjustified(plan: DeployPlan, options: DeployOptions): Binding[] {
  const saOf = new Map(plan.functions.map((f) => [`serviceAccount:${f.serviceAccount}`, f]))
  const invokers = new Set(
    options.invokers?.map((i) => (i.includes('=') ? i.slice(i.indexOf('=') + 1) : i)) ?? [],
  )
  const agent = `serviceAccount:service-${options.projectNumber}@gcp-sa-dialogflow.iam.gserviceaccount.com`
  return plan.bindings.filter((b) => {
    const fn = saOf.get(b.member)
    switch (b.role) {
      case 'roles/secretmanager.secretAccessor':
        return (
          !(
            b.resourceType === 'secret' &&
            fn &&
            fn.spec.secrets.some((s) => DEFAULT_SECRET_NAMES[s.secret] === b.resource)
          ) &&
          !(b.resource === DEFAULT_SECRET_NAMES.functionSharedKey && options.sharedKey && fn && !fn.public)
        )
      case 'roles/cloudkms.cryptoKeyDecrypter':
        return !(
          b.resourceType === 'kms-key' &&
          b.resource === options.kmsKey &&
          fn?.spec.secrets.some((s) => s.kmsWrapped)
        )
      case 'roles/run.invoker': {
        const target = plan.functions.find((f) => f.spec.name === b.resource)
        const allowed =
          invokers.has(b.member) || (b.member === agent && target?.spec.entryPoint.startsWith('dialogflow'))
        return !(b.resourceType === 'run-service' && target && !target.public && allowed)
      }
      case 'roles/iam.serviceAccountUser':
        return !(b.resourceType === 'service-account' && b.member === options.deployer)
      default:
        return !(
          b.resourceType === 'project' &&
          b.member === `serviceAccount:fn-anaplan-build@${PROJECT}.iam.gserviceaccount.com` &&
          (BUILD_PROJECT_ROLES as readonly string[]).includes(b.role)
        )
    }
  })
}

const variants: [string, DeployOptions][] = [
  ['defaults', base],
  [
    'with KMS and invokers',
    {
      ...base,
      kmsKey: KMS,
      invokers: [
        'user:alice@example.com',
        'anaplan-data=serviceAccount:reports@demo-project.iam.gserviceaccount.com',
      ],
    },
  ],
  [
    'with Dialogflow IAM, shared key and deployer',
    {
      ...base,
      kmsKey: KMS,
      dialogflowIam: true,
      projectNumber: '123456789012',
      sharedKey: true,
      deployer: 'user:ops@example.com',
    },
  ],
]

describe.each(variants)('the GCP deployment plan (%s)', (_label, options) => {
  const plan = buildPlan(options)
  const deploys = plan.steps.filter((s) => s.argv.slice(0, 3).join(' ') === 'gcloud functions deploy')
  const flag = (argv: string[], name: string) =>
    argv
      .find((a) => a.startsWith(`--${name}=`))
      ?.split('=')
      .slice(1)
      .join('=')

  it('grants nothing the function table does not justify', () => {
    expect(plan.bindings.length).toBeGreaterThan(6)
    expect(unjustified(plan, options)).toEqual([])
  })

  it('gives runtime accounts no project-level role, and nobody a basic role', () => {
    const projectLevel = plan.bindings.filter((b) => b.resourceType === 'project')
    expect(projectLevel.every((b) => b.member.includes('fn-anaplan-build@'))).toBe(true)
    expect(plan.bindings.map((b) => b.role)).not.toContain('roles/editor')
    expect(plan.bindings.map((b) => b.role)).not.toContain('roles/owner')
    expect(plan.bindings.some((b) => /allUsers|allAuthenticatedUsers/.test(b.member))).toBe(false)
  })

  it('never uses the default Compute or App Engine account', () => {
    const text = renderScript(plan)
    expect(text).not.toMatch(/-compute@developer\.gserviceaccount\.com/)
    expect(text).not.toMatch(/@appspot\.gserviceaccount\.com/)
    for (const d of deploys) {
      expect(flag(d.argv, 'service-account')).toMatch(
        /^fn-anaplan-[a-z-]+@demo-project\.iam\.gserviceaccount\.com$/,
      )
      expect(flag(d.argv, 'build-service-account')).toBe(
        `projects/${PROJECT}/serviceAccounts/fn-anaplan-build@${PROJECT}.iam.gserviceaccount.com`,
      )
    }
    // One dedicated account per function.
    expect(new Set(deploys.map((d) => flag(d.argv, 'service-account'))).size).toBe(deploys.length)
  })

  it('deploys gen2 on nodejs22, public only for the endpoints that verify their callers', () => {
    expect(deploys).toHaveLength(FUNCTIONS.length)
    for (const d of deploys) {
      const entry = flag(d.argv, 'entry-point')!
      expect(d.argv).toContain('--gen2')
      expect(flag(d.argv, 'runtime')).toBe('nodejs22')
      expect(d.argv).toContain('--trigger-http')
      const publicAllowed =
        BOT_ENDPOINTS.includes(entry) && !(options.dialogflowIam && entry.startsWith('dialogflow'))
      expect(d.argv).toContain(publicAllowed ? '--allow-unauthenticated' : '--no-allow-unauthenticated')
    }
  })

  it('points each function at its secret by name, never by value', () => {
    for (const f of plan.functions) {
      expect(f.env.ANAPLAN_CREDENTIALS_SECRET).toBe(
        `projects/${PROJECT}/secrets/anaplan-credentials/versions/latest`,
      )
      if (options.kmsKey) expect(f.env.ANAPLAN_CREDENTIALS_KMS_KEY).toBe(options.kmsKey)
      for (const v of Object.values(f.secretEnv)) expect(v).toMatch(/^[a-z-]+:latest$/)
    }
  })
})

describe('the least-privilege check', () => {
  it('catches grants the table does not justify', () => {
    const plan = buildPlan(base)
    const sa = `serviceAccount:${plan.functions[0]!.serviceAccount}`
    const extra: Binding[] = [
      { member: sa, role: 'roles/secretmanager.secretAccessor', resourceType: 'project', resource: PROJECT },
      {
        member: sa,
        role: 'roles/secretmanager.secretAccessor',
        resourceType: 'secret',
        resource: 'slack-bot-token',
      },
      { member: sa, role: 'roles/editor', resourceType: 'project', resource: PROJECT },
      {
        member: 'allUsers',
        role: 'roles/run.invoker',
        resourceType: 'run-service',
        resource: 'anaplan-auth-token',
      },
    ]
    expect(unjustified({ ...plan, bindings: [...plan.bindings, ...extra] }, base)).toEqual(extra)
  })
})

describe('plan options', () => {
  it('rejects bad input before building anything', () => {
    expect(() => buildPlan({ ...base, project: 'Bad_Project' })).toThrow(PlanError)
    expect(() => buildPlan({ ...base, kmsKey: 'my-key' })).toThrow(/kms-key/)
    expect(() => buildPlan({ ...base, invokers: ['allUsers'] })).toThrow(/member/)
    expect(() => buildPlan({ ...base, dialogflowIam: true })).toThrow(/project-number/)
    expect(() => buildPlan({ ...base, only: ['nope'] })).toThrow(/Unknown function/)
  })

  it('deploys a subset, with only that subset’s grants', () => {
    const plan = buildPlan({ ...base, only: ['getAnaplanAuthToken'], invokers: ['user:alice@example.com'] })
    expect(plan.functions.map((f) => f.spec.name)).toEqual(['anaplan-auth-token'])
    expect(plan.bindings.filter((b) => b.role === 'roles/secretmanager.secretAccessor')).toHaveLength(1)
    expect(plan.bindings.filter((b) => b.role === 'roles/run.invoker').map((b) => b.resource)).toEqual([
      'anaplan-auth-token',
    ])
  })
})

describe('deploy/gcp.ts', () => {
  it('prints the plan as a script in a dry run, without calling gcloud', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'deploy/gcp.ts',
        '--project',
        PROJECT,
        '--region',
        'europe-west1',
        '--kms-key',
        KMS,
        '--dry-run',
      ],
      { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } },
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^#!\/usr\/bin\/env bash/)
    expect(r.stdout.match(/gcloud functions deploy/g)).toHaveLength(FUNCTIONS.length)
    expect(r.stdout).toContain('--role=roles/cloudkms.cryptoKeyDecrypter')
  })

  it('exits 2 with usage on missing options', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'deploy/gcp.ts', '--region', 'europe-west1'], {
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--project and --region are required/)
  })
})
