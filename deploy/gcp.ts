/**
 * Deploys the Anaplan functions to Google Cloud with least privilege, or prints the plan.
 *
 *   npx tsx deploy/gcp.ts --project P --region R [--kms-key K] [--invoker MEMBER]... [--export-bucket B] --dry-run
 *   npx tsx deploy/gcp.ts --project P --region R [...]            # runs gcloud, step by step
 *   npx tsx deploy/gcp.ts --project P --region R --json           # the plan as JSON (bindings included)
 *
 * See docs/deploy.md. Secrets are never handled here: create them first, the plan checks they exist.
 */
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import {
  buildPlan,
  type DeployOptions,
  type DeployPlan,
  PlanError,
  renderScript,
  shellQuote,
} from './plan.ts'

const USAGE = `Usage: npx tsx deploy/gcp.ts --project P --region R [options]

  --kms-key K             projects/P/locations/L/keyRings/R/cryptoKeys/K: credentials are KMS ciphertext
  --invoker M             who may call the private functions (M, or name=M); repeatable
  --only NAME             deploy only this function (name or entry point); repeatable
  --dialogflow-iam        keep the Dialogflow webhooks private, invoked by the Dialogflow service agent
  --project-number N      needed by --dialogflow-iam
  --shared-key            also require FUNCTION_SHARED_KEY (secret function-shared-key) on private functions
  --deployer M            grant M iam.serviceAccountUser on the accounts it deploys as
  --secret KEY=NAME       rename a secret (anaplanCredentials, slackSigningSecret, slackBotToken,
                          dialogflowWebhookPassword, functionSharedKey); repeatable
  --anaplan-auth-url U    --anaplan-api-url U    (defaults: the real Anaplan)
  --export-bucket B       bucket for large export files, answered as signed links (created if
                          missing; runAnaplanAction may write and read exports/ there only)
  --source DIR            --max-instances N
  --dry-run               print the commands instead of running them
  --json                  print the plan as JSON
`

/** Parses the command line into deploy options. @throws {PlanError} */
export function parseCommandLine(argv: string[]): { options: DeployOptions; dryRun: boolean; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      project: { type: 'string' },
      region: { type: 'string' },
      'kms-key': { type: 'string' },
      invoker: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      'dialogflow-iam': { type: 'boolean' },
      'project-number': { type: 'string' },
      'shared-key': { type: 'boolean' },
      deployer: { type: 'string' },
      secret: { type: 'string', multiple: true },
      'anaplan-auth-url': { type: 'string' },
      'anaplan-api-url': { type: 'string' },
      source: { type: 'string' },
      'max-instances': { type: 'string' },
      'export-bucket': { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) throw new PlanError(USAGE)
  if (!values.project || !values.region)
    throw new PlanError(`--project and --region are required\n\n${USAGE}`)
  const secrets: Record<string, string> = {}
  for (const s of values.secret ?? []) {
    const [k, v] = s.split('=')
    if (!k || !v) throw new PlanError(`--secret "${s}" must be KEY=NAME`)
    secrets[k] = v
  }
  const options: DeployOptions = { project: values.project, region: values.region }
  if (values['kms-key']) options.kmsKey = values['kms-key']
  if (values.invoker) options.invokers = values.invoker
  if (values.only) options.only = values.only
  if (values['dialogflow-iam']) options.dialogflowIam = true
  if (values['project-number']) options.projectNumber = values['project-number']
  if (values['shared-key']) options.sharedKey = true
  if (values.deployer) options.deployer = values.deployer
  if (Object.keys(secrets).length) options.secrets = secrets
  if (values['anaplan-auth-url']) options.anaplanAuthUrl = values['anaplan-auth-url']
  if (values['anaplan-api-url']) options.anaplanApiUrl = values['anaplan-api-url']
  if (values.source) options.source = values.source
  if (values['max-instances']) options.maxInstances = Number(values['max-instances'])
  if (values['export-bucket']) options.exportBucket = values['export-bucket'].replace(/^gs:\/\//, '')
  return { options, dryRun: Boolean(values['dry-run']), json: Boolean(values.json) }
}

/** Runs the plan with gcloud, stopping at the first failure. */
function execute(plan: DeployPlan): number {
  const run = (argv: string[], quiet: boolean) =>
    spawnSync(argv[0]!, argv.slice(1), { stdio: quiet ? 'ignore' : 'inherit' }).status ?? 1
  for (const step of plan.steps) {
    console.log(`\n== ${step.title}`)
    if (step.require && run(step.require, true) !== 0) {
      console.error(step.requireMessage ?? 'Precondition failed')
      return 1
    }
    if (step.argv[0] === 'true') continue
    if (step.skipIf && run(step.skipIf, true) === 0) {
      console.log('   already done')
      continue
    }
    console.log(`$ ${step.argv.map(shellQuote).join(' ')}`)
    const status = run(step.argv, false)
    if (status !== 0) {
      console.error(`Step failed (exit ${status}): ${step.title}`)
      return status
    }
  }
  return 0
}

function main(): number {
  let parsed: ReturnType<typeof parseCommandLine>
  let plan: DeployPlan
  try {
    parsed = parseCommandLine(process.argv.slice(2))
    plan = buildPlan(parsed.options)
  } catch (error) {
    if (error instanceof PlanError) {
      console.error(error.message)
      return 2
    }
    throw error
  }
  if (parsed.json) {
    console.log(JSON.stringify(plan, null, 2))
    return 0
  }
  if (parsed.dryRun) {
    console.log(renderScript(plan))
    return 0
  }
  return execute(plan)
}

process.exitCode = main()
