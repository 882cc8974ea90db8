/**
 * AWS Lambda adapter: the same handlers behind API Gateway (REST v1 and HTTP v2 payloads), Lambda
 * function URLs and ALB, through `hono/aws-lambda`. Credentials come from AWS Secrets Manager
 * with `ANAPLAN_CREDENTIALS_AWS_SECRET` (a secret id or ARN; see `src/shared/config.ts`).
 *
 * Handler names: `getAnaplanAuthToken`, `runAnaplanAction`, `anaplanData`, `dialogflowWebhook`,
 * `dialogflowCxWebhook`, `slackEvents` (module
 * `dist/functions/adapters/lambda.handlerName`). Lambda IAM (function URL `AWS_IAM` auth or an API
 * Gateway authorizer) is the invoker check; `FUNCTION_SHARED_KEY` adds the shared key.
 */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda'
import type { FunctionApp } from '../common/function-app.ts'
import { createFunction, type FunctionName, instanceRuntimeFromEnv } from '../instance.ts'

type Handler = ReturnType<typeof handle>

/** A Lambda handler for an app built on first invocation (cheap cold start, one app per instance). */
export function lambdaHandler(
  factory: () => FunctionApp | Promise<FunctionApp>,
): (event: LambdaEvent, context?: LambdaContext) => ReturnType<Handler> {
  let h: Promise<Handler> | undefined
  return async (event, context) => {
    if (!h) {
      const p = Promise.resolve()
        .then(factory)
        .then((app) => handle(app))
      h = p
      p.catch(() => {
        if (h === p) h = undefined
      })
    }
    return (await h)(event, context)
  }
}

const fn = (name: FunctionName) => lambdaHandler(() => createFunction(name, instanceRuntimeFromEnv()))

export const getAnaplanAuthToken = fn('getAnaplanAuthToken')
export const runAnaplanAction = fn('runAnaplanAction')
export const anaplanData = fn('anaplanData')
export const dialogflowWebhook = fn('dialogflowWebhook')
export const dialogflowCxWebhook = fn('dialogflowCxWebhook')
export const slackEvents = fn('slackEvents')
