/**
 * The functions' credential source, chosen from the environment by the shared configuration
 * (`src/shared/config.ts`: `ANAPLAN_CREDENTIALS_SECRET` [+ `ANAPLAN_CREDENTIALS_KMS_KEY`],
 * `ANAPLAN_CREDENTIALS_AWS_SECRET`, certificate or basic variables) and read by the shared
 * `loadCredentials` (`src/shared/secrets.ts`). This file only names the source for error messages;
 * the runtime keeps the result for the life of the instance.
 */
import { type CredentialSource, loadAnaplanConfig } from '../../shared/config.ts'
import { loadCredentials, resetCredentialsCache, type SecretDeps } from '../../shared/secrets.ts'
import type { Env } from './config.ts'
import type { CredentialsLoader } from './runtime.ts'

export type { SecretDeps } from '../../shared/secrets.ts'

/** Describes a source by name only (secret resource, variable names), never by value. */
export function describeSource(source: CredentialSource): string {
  switch (source.source) {
    case 'gcp-secret':
      return `secret ${source.secretVersion}${source.kmsKey ? ` (KMS key ${source.kmsKey})` : ''}`
    case 'aws-secret':
      return `AWS Secrets Manager secret ${source.secretId}`
    case 'basic':
      return 'environment (ANAPLAN_USERNAME, ANAPLAN_PASSWORD)'
    case 'certificate':
      return 'environment (ANAPLAN_CERTIFICATE, ANAPLAN_PRIVATE_KEY)'
    case 'oauth':
      return 'environment (ANAPLAN_OAUTH_CLIENT_ID, ANAPLAN_OAUTH_REFRESH_TOKEN)'
  }
}

/**
 * The credential source configured in `env`, or undefined when none is. A half-configured source
 * (a username without a password, a malformed secret name) still yields a loader, whose `load()`
 * fails with the configuration error, so the function answers it as a 500 instead of not starting.
 */
export function credentialsLoaderFromEnv(env: Env, deps: SecretDeps = {}): CredentialsLoader | undefined {
  let source: CredentialSource | undefined
  try {
    source = loadAnaplanConfig(env).credentials
  } catch (error) {
    return {
      source: 'environment',
      load: () => Promise.reject(error),
    }
  }
  if (!source) return undefined
  const config = { credentials: source }
  return {
    source: describeSource(source),
    load: () => {
      // The runtime holds the credentials for the instance; the shared process-wide memo would
      // otherwise hand a later runtime (tests, a second client) the first one's result.
      resetCredentialsCache()
      return loadCredentials(config, deps)
    },
  }
}
