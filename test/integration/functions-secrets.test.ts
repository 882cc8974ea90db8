import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SecretDeps } from '../../src/functions/common/credentials.ts'
import { createTokenFunction } from '../../src/functions/get-anaplan-auth-token.ts'
import type { RunningSimulator } from '../../src/simulator/index.ts'
import {
  ANALYST,
  captureLogger,
  serveWithFramework,
  simRuntime,
  simStats,
  startSim,
} from './functions-helpers.ts'

const SECRET = 'projects/demo-project/secrets/anaplan-credentials/versions/latest'
const KMS_KEY = 'projects/demo-project/locations/europe-west1/keyRings/anaplan/cryptoKeys/credentials'

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startSim()
})
afterAll(async () => {
  await sim?.close()
})

/** The environment of a deployed function that reads its credentials from Secret Manager. */
function secretEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ANAPLAN_AUTH_URL: sim.authUrl,
    ANAPLAN_API_URL: sim.apiUrl,
    ANAPLAN_CREDENTIALS_SECRET: SECRET,
    FUNCTION_INVOKER_AUTH: 'platform',
    ...extra,
  }
}

function serve(name: string, env: Record<string, string>, secretDeps: SecretDeps) {
  const log = captureLogger()
  const runtime = simRuntime(env, { secretDeps, logger: log.logger })
  return { server: serveWithFramework(name, createTokenFunction(runtime)), log }
}

/** A fake Secret Manager client whose `accessSecretVersion` returns what `read` gives. */
function payload(
  read: (request: { name: string }) => string | Uint8Array,
): NonNullable<SecretDeps['secretManager']> {
  return {
    accessSecretVersion: async (request) => {
      const data = read(request)
      return [{ payload: { data: typeof data === 'string' ? new TextEncoder().encode(data) : data } }]
    },
  }
}

/** A toy reversible "encryption" standing in for Cloud KMS: the test checks the plumbing, not AES. */
const toyEncrypt = (text: string) => new Uint8Array(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a))

describe('credentials from a secret manager', () => {
  it('reads username:password from Secret Manager once per instance', async () => {
    let reads = 0
    const { server } = serve('tokenFromSecret', secretEnv(), {
      secretManager: payload(({ name }) => {
        reads++
        expect(name).toBe(SECRET)
        return `${ANALYST.username}:${ANALYST.password}`
      }),
    })
    for (let i = 0; i < 5; i++) expect((await request(server).get('/')).status).toBe(200)
    expect(reads).toBe(1)
  })

  it('decrypts a KMS-encrypted JSON payload with the configured key', async () => {
    const decrypts: string[] = []
    const { server } = serve('tokenFromKms', secretEnv({ ANAPLAN_CREDENTIALS_KMS_KEY: KMS_KEY }), {
      secretManager: payload(() => toyEncrypt(JSON.stringify(ANALYST))),
      kms: {
        decrypt: async ({ name, ciphertext }) => {
          decrypts.push(name)
          return [{ plaintext: new Uint8Array(Buffer.from(ciphertext).map((b) => b ^ 0x5a)) }]
        },
      },
    })
    const res = await request(server).get('/')
    expect(res.status).toBe(200)
    expect(res.body.tokenValue).toEqual(expect.any(String))
    expect(decrypts).toEqual([KMS_KEY])
  })

  it('reads AWS Secrets Manager (the Lambda source)', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:anaplan-AbCdEf'
    const env = secretEnv({ ANAPLAN_CREDENTIALS_AWS_SECRET: arn })
    delete env.ANAPLAN_CREDENTIALS_SECRET
    const { server } = serve('tokenFromAws', env, {
      awsGetSecretValue: async (id) => {
        expect(id).toBe(arn)
        return { SecretString: JSON.stringify(ANALYST) }
      },
    })
    expect((await request(server).get('/')).status).toBe(200)
  })

  it('answers 500 naming the secret, not its value, when the payload is malformed', async () => {
    const text = 'analyst@example.com demo-password-without-a-colon'
    const before = (await simStats(sim)).auth.authenticate
    const { server, log } = serve('tokenBadPayload', secretEnv(), {
      secretManager: payload(() => text),
    })
    const res = await request(server).get('/')
    expect(res.status).toBe(500)
    expect(res.body.error.code).toBe('credentials_unavailable')
    expect(res.body.error.message).toContain(SECRET)
    expect(res.body.error.message).toMatch(/username:password/)
    expect(res.text).not.toContain('demo-password')
    expect(log.text()).not.toContain('demo-password')
    // Nothing was sent to Anaplan with a half-read secret.
    expect((await simStats(sim)).auth.authenticate).toBe(before)
  })

  it('answers 500 naming the secret and the provider error, then recovers once the secret is readable', async () => {
    let fail = true
    const { server, log } = serve('tokenSecretDenied', secretEnv(), {
      secretManager: payload(() => {
        if (fail) throw Object.assign(new Error(`7 PERMISSION_DENIED: no access to ${SECRET}`), { code: 7 })
        return `${ANALYST.username}:${ANALYST.password}`
      }),
    })
    const res = await request(server).get('/')
    expect(res.status).toBe(500)
    expect(res.body.error.message).toMatch(/^Could not load the Anaplan credentials from secret /)
    expect(res.body.error.message).toContain(SECRET)
    expect(res.body.error.message).toContain('code 7')
    const line = log.lines.find((l) => l.severity === 'ERROR')
    expect(line?.message).toContain(SECRET)
    fail = false
    expect((await request(server).get('/')).status).toBe(200)
  })

  it('answers 500 when no credentials are configured at all', async () => {
    const { server } = serve(
      'tokenNoCredentials',
      { ANAPLAN_AUTH_URL: sim.authUrl, ANAPLAN_API_URL: sim.apiUrl, FUNCTION_INVOKER_AUTH: 'platform' },
      {},
    )
    const res = await request(server).get('/')
    expect(res.status).toBe(500)
    expect(res.body.error).toMatchObject({ code: 'configuration_error' })
    expect(res.body.error.message).toMatch(/ANAPLAN_CREDENTIALS_SECRET/)
  })

  it('answers 502 when Anaplan refuses the credentials, without echoing them', async () => {
    const { server } = serve('tokenWrongPassword', secretEnv(), {
      secretManager: payload(() => `${ANALYST.username}:wrong-password-123`),
    })
    const res = await request(server).get('/')
    expect(res.status).toBe(502)
    expect(res.body.error.code).toBe('anaplan_authentication_failed')
    expect(res.text).not.toContain('wrong-password-123')
  })
})
