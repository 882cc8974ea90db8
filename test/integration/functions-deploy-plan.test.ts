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
const BUCKET = 'demo-anaplan-exports'
const RUN_ACTION_SA = `serviceAccount:fn-anaplan-run-action@${PROJECT}.iam.gserviceaccount.com`
// Written out rather than imported: the test restates the policy instead of echoing the code.
const EXPORTS_ONLY = `resource.name.startsWith("projects/_/buckets/${BUCKET}/objects/exports/")`

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
    const buildRole =
      b.resourceType === 'project' &&
      b.member === `serviceAccount:fn-anaplan-build@${PROJECT}.iam.gserviceaccount.com` &&
      (BUILD_PROJECT_ROLES as readonly string[]).includes(b.role)
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
      // The export bucket: only the functions that write exports, only when a bucket is given,
      // only that bucket, and only its exports/ objects.
      case 'roles/storage.objectCreator':
      case 'roles/storage.objectViewer':
        return !(
          (options.exportBucket === BUCKET &&
            fn?.spec.exportBucket &&
            b.resourceType === 'bucket' &&
            b.resource === BUCKET &&
            b.condition?.expression === EXPORTS_ONLY) ||
          buildRole
        )
      // Signing links through signBlob: an export writer, on its own account and no other.
      case 'roles/iam.serviceAccountTokenCreator':
        return !(
          options.exportBucket &&
          fn?.spec.exportBucket &&
          b.resourceType === 'service-account' &&
          b.member === `serviceAccount:${b.resource}`
        )
      default:
        return !buildRole
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
  ['with an export bucket', { ...base, exportBucket: BUCKET, invokers: ['user:alice@example.com'] }],
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

  it('grants the export bucket roles only with a bucket, only to runAnaplanAction', () => {
    const exportRoles = [
      'roles/storage.objectCreator',
      'roles/storage.objectViewer',
      'roles/iam.serviceAccountTokenCreator',
    ]
    // Project-level grants (the build account's objectViewer) are checked by the test above.
    const grants = plan.bindings.filter((b) => exportRoles.includes(b.role) && b.resourceType !== 'project')
    const withBucket = plan.functions.filter((f) => f.env.EXPORT_BUCKET !== undefined)
    if (!options.exportBucket) {
      expect(grants).toEqual([])
      expect(withBucket).toEqual([])
      expect(renderScript(plan)).not.toMatch(/gcloud storage/)
      return
    }
    expect(grants.map((b) => [b.member, b.role, b.resourceType, b.resource])).toEqual([
      [RUN_ACTION_SA, 'roles/storage.objectCreator', 'bucket', BUCKET],
      [RUN_ACTION_SA, 'roles/storage.objectViewer', 'bucket', BUCKET],
      [RUN_ACTION_SA, 'roles/iam.serviceAccountTokenCreator', 'service-account', RUN_ACTION_SA.slice(15)],
    ])
    expect(withBucket.map((f) => [f.spec.entryPoint, f.env.EXPORT_BUCKET])).toEqual([
      ['runAnaplanAction', BUCKET],
    ])
    const bucketSteps = plan.steps.filter((s) => s.argv.includes(`gs://${BUCKET}`))
    // Created private and uniform (so grants can carry conditions), with the 1-day lifecycle.
    expect(bucketSteps.find((s) => s.argv[3] === 'create')?.argv).toEqual(
      expect.arrayContaining(['--uniform-bucket-level-access', '--public-access-prevention']),
    )
    expect(bucketSteps.find((s) => s.argv[3] === 'update')?.argv).toContain(
      '--lifecycle-file=deploy/export-bucket-lifecycle.json',
    )
    for (const s of bucketSteps.filter((x) => x.binding)) {
      expect(s.argv).toContain(`--condition=expression=${EXPORTS_ONLY},title=export-objects-only`)
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

  it('catches export grants beyond runAnaplanAction, the bucket, its exports/ objects or itself', () => {
    const options = { ...base, exportBucket: BUCKET }
    const plan = buildPlan(options)
    const data = `serviceAccount:fn-anaplan-data@${PROJECT}.iam.gserviceaccount.com`
    const condition = { title: 'export-objects-only', expression: EXPORTS_ONLY }
    const extra: Binding[] = [
      // Another function on the bucket.
      {
        member: data,
        role: 'roles/storage.objectViewer',
        resourceType: 'bucket',
        resource: BUCKET,
        condition,
      },
      // The whole bucket, without the prefix condition.
      { member: RUN_ACTION_SA, role: 'roles/storage.objectViewer', resourceType: 'bucket', resource: BUCKET },
      // Another bucket.
      {
        member: RUN_ACTION_SA,
        role: 'roles/storage.objectCreator',
        resourceType: 'bucket',
        resource: 'other-bucket',
        condition,
      },
      // Project-wide storage.
      {
        member: RUN_ACTION_SA,
        role: 'roles/storage.objectCreator',
        resourceType: 'project',
        resource: PROJECT,
      },
      // Signing as another account.
      {
        member: RUN_ACTION_SA,
        role: 'roles/iam.serviceAccountTokenCreator',
        resourceType: 'service-account',
        resource: `fn-anaplan-auth-token@${PROJECT}.iam.gserviceaccount.com`,
      },
      // Overwrite and delete rights.
      {
        member: RUN_ACTION_SA,
        role: 'roles/storage.objectUser',
        resourceType: 'bucket',
        resource: BUCKET,
        condition,
      },
    ]
    expect(unjustified({ ...plan, bindings: [...plan.bindings, ...extra] }, options)).toEqual(extra)
    // The same grants the plan makes are unjustified when no bucket was asked for.
    const exportGrants = plan.bindings.filter(
      (b) => b.resourceType === 'bucket' || b.role.includes('TokenCreator'),
    )
    expect(exportGrants).toHaveLength(3)
    expect(unjustified({ ...buildPlan(base), bindings: exportGrants }, base)).toEqual(exportGrants)
  })
})

describe('plan options', () => {
  it('rejects bad input before building anything', () => {
    expect(() => buildPlan({ ...base, project: 'Bad_Project' })).toThrow(PlanError)
    expect(() => buildPlan({ ...base, kmsKey: 'my-key' })).toThrow(/kms-key/)
    expect(() => buildPlan({ ...base, invokers: ['allUsers'] })).toThrow(/member/)
    expect(() => buildPlan({ ...base, dialogflowIam: true })).toThrow(/project-number/)
    expect(() => buildPlan({ ...base, only: ['nope'] })).toThrow(/Unknown function/)
    expect(() => buildPlan({ ...base, exportBucket: 'gs://x' })).toThrow(/export-bucket/)
    expect(() => buildPlan({ ...base, exportBucket: 'Upper' })).toThrow(/export-bucket/)
  })

  it('makes no bucket or grant when the export writer is not deployed', () => {
    const plan = buildPlan({ ...base, exportBucket: BUCKET, only: ['anaplanData'] })
    expect(
      plan.bindings.filter((b) => b.resourceType === 'bucket' || b.role.includes('TokenCreator')),
    ).toEqual([])
    expect(renderScript(plan)).not.toContain(BUCKET)
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

  it('takes --export-bucket (gs:// accepted) into the plan', () => {
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
        '--export-bucket',
        `gs://${BUCKET}`,
        '--json',
      ],
      { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } },
    )
    expect(r.status).toBe(0)
    const plan = JSON.parse(r.stdout) as DeployPlan
    expect(plan.options.exportBucket).toBe(BUCKET)
    expect(plan.bindings.filter((b) => b.resourceType === 'bucket').map((b) => b.role)).toEqual([
      'roles/storage.objectCreator',
      'roles/storage.objectViewer',
    ])
  })

  it('exits 2 with usage on missing options', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'deploy/gcp.ts', '--region', 'europe-west1'], {
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--project and --region are required/)
  })
})
