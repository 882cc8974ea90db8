/**
 * Turning credentials into what `POST /token/authenticate` expects: a Basic header, or a
 * CACertificate header plus a signed nonce (reference/anaplan-api.md §2.3).
 */
import { createPrivateKey, createSign, randomBytes as nodeRandomBytes, X509Certificate } from 'node:crypto'
import { ConfigError } from '../errors.ts'

/** `Basic base64(user:password)`. */
export function basicAuthorization(username: string, password: string): string {
  if (!username || !password) throw new ConfigError('Basic authentication needs a username and a password')
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

/** Body of a certificate authenticate call. */
export interface CertificateAuthBody {
  encodedData: string
  encodedSignedData: string
  encodedDataFormat?: 'v2'
}

export interface CertificateAuthOptions {
  /** @default 'v2' */
  format?: 'v1' | 'v2'
  /** Clock for the v2 timestamp prefix. @default Date.now */
  now?: () => number
  /** Source of the random nonce. @default crypto.randomBytes */
  randomBytes?: (n: number) => Uint8Array
}

/** Random bytes in the nonce: Anaplan requires at least 100; the SDK and Anaplan Connect use 150. */
export const NONCE_BYTES = 150

/**
 * Builds the `CACertificate` Authorization header and the signed body.
 *
 * `encodedData` is base64 of the nonce; in format v2 the nonce starts with the current time as an
 * 8-byte big-endian count of SECONDS (decoded from Anaplan's own v2 example; HERMES uses ms, which
 * contradicts it). The signature is RSASSA-PKCS1-v1_5 with SHA-512 over the raw nonce bytes.
 *
 * @throws {ConfigError} When the certificate or the key cannot be read (the PEM text is never echoed).
 */
export function certificateAuthentication(
  certificatePem: string,
  privateKeyPem: string,
  options: CertificateAuthOptions = {},
): { authorization: string; body: CertificateAuthBody } {
  const format = options.format ?? 'v2'
  if (format !== 'v1' && format !== 'v2')
    throw new ConfigError(`Unknown encodedDataFormat "${String(format)}"`)
  checkCertificate(certificatePem)
  let key: ReturnType<typeof createPrivateKey>
  try {
    key = createPrivateKey(privateKeyPem)
  } catch (cause) {
    throw new ConfigError('The private key is not a readable PEM key', { cause: sanitize(cause) })
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(`Anaplan certificate authentication needs an RSA key, got ${key.asymmetricKeyType}`)
  }
  const random = Buffer.from((options.randomBytes ?? nodeRandomBytes)(NONCE_BYTES))
  let nonce: Buffer = random
  if (format === 'v2') {
    const ts = Buffer.alloc(8)
    ts.writeBigUInt64BE(BigInt(Math.floor((options.now ?? Date.now)() / 1000)))
    nonce = Buffer.concat([ts, random])
  }
  const signature = createSign('SHA512').update(nonce).sign(key)
  const body: CertificateAuthBody = {
    encodedData: nonce.toString('base64'),
    encodedSignedData: signature.toString('base64'),
  }
  if (format === 'v2') body.encodedDataFormat = 'v2'
  return {
    authorization: `CACertificate ${Buffer.from(certificatePem, 'utf8').toString('base64')}`,
    body,
  }
}

function checkCertificate(pem: string): void {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('The certificate must be PEM text starting with -----BEGIN CERTIFICATE-----')
  }
  try {
    new X509Certificate(pem)
  } catch (cause) {
    throw new ConfigError('The certificate is not a readable X.509 PEM certificate', {
      cause: sanitize(cause),
    })
  }
}

/** Keeps only the error's class and code: OpenSSL messages can quote input bytes. */
function sanitize(cause: unknown): Error {
  const code = (cause as { code?: unknown })?.code
  return new Error(typeof code === 'string' ? code : 'unreadable PEM')
}
