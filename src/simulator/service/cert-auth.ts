/**
 * CA-certificate authentication (reference §2.3): the header carries the certificate (base64 of
 * the PEM text, or of the DER bytes), the body random bytes and their SHA512withRSA signature.
 */
import { verify, X509Certificate } from 'node:crypto'

/** Minimum size of the random data Anaplan requires. */
export const MIN_ENCODED_DATA_BYTES = 100
/** How far a v2 timestamp may be from the server clock. */
export const V2_TIMESTAMP_WINDOW_MS = 5 * 60_000

/** Why a certificate login failed: a malformed request (400) or a credential that does not hold (401). */
export class CertAuthError extends Error {
  override name = 'CertAuthError'
  constructor(
    readonly kind: 'header' | 'credential',
    message: string,
  ) {
    super(message)
  }
}

/** Parses the `CACertificate` header value into a certificate. */
export function parseCertificateHeader(value: string): X509Certificate {
  const raw = Buffer.from(value.trim(), 'base64')
  if (raw.length === 0) throw new CertAuthError('header', 'Invalid header. Verify the header.')
  try {
    // X509Certificate accepts both PEM text and DER bytes.
    return new X509Certificate(raw)
  } catch {
    throw new CertAuthError('header', 'Invalid header. Verify the header.')
  }
}

/** Same certificate, whichever encoding it was registered or sent in. */
export function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.fingerprint256 === b.fingerprint256
}

/** True when `ca` issued and signed `cert`, and `cert` names `email` (CN, emailAddress or SAN). */
export function issuedFor(cert: X509Certificate, ca: X509Certificate, email: string): boolean {
  try {
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false
  } catch {
    return false
  }
  return cert.checkEmail(email, { subject: 'always' }) !== undefined
}

/** Parses the request body fields of a certificate login. */
export function parseCertBody(body: unknown): {
  data: Buffer
  signature: Buffer
  format: 'v1' | 'v2'
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CertAuthError('header', 'Request body must contain encodedData and encodedSignedData')
  }
  const { encodedData, encodedSignedData, encodedDataFormat } = body as Record<string, unknown>
  if (typeof encodedData !== 'string' || typeof encodedSignedData !== 'string') {
    throw new CertAuthError('header', 'Request body must contain encodedData and encodedSignedData')
  }
  let format: 'v1' | 'v2' = 'v1'
  if (encodedDataFormat !== undefined && encodedDataFormat !== null) {
    if (encodedDataFormat !== 'v1' && encodedDataFormat !== 'v2') {
      throw new CertAuthError('header', `Unsupported encodedDataFormat '${String(encodedDataFormat)}'`)
    }
    format = encodedDataFormat
  }
  return {
    data: Buffer.from(encodedData, 'base64'),
    signature: Buffer.from(encodedSignedData, 'base64'),
    format,
  }
}

/**
 * Checks the signature, the data size, the certificate's validity and (v2) the timestamp prefix.
 * Throws {@link CertAuthError} 'credential' when any of them fails.
 */
export function verifyCertLogin(
  cert: X509Certificate,
  login: { data: Buffer; signature: Buffer; format: 'v1' | 'v2' },
  nowMs: number,
): void {
  if (login.data.length < MIN_ENCODED_DATA_BYTES) {
    throw new CertAuthError('credential', `encodedData must hold at least ${MIN_ENCODED_DATA_BYTES} bytes`)
  }
  if (Date.parse(cert.validTo) < nowMs || Date.parse(cert.validFrom) > nowMs) {
    throw new CertAuthError('credential', 'Certificate is not valid at this time')
  }
  let ok = false
  try {
    ok = verify('sha512', login.data, cert.publicKey, login.signature)
  } catch {
    ok = false
  }
  if (!ok) throw new CertAuthError('credential', 'Signature verification failed')
  if (login.format === 'v2') {
    const stamp = Number(login.data.readBigUInt64BE(0))
    // Anaplan's example uses seconds; some clients send milliseconds. Values above 1e11 can only be ms.
    const stampMs = stamp > 1e11 ? stamp : stamp * 1000
    if (Math.abs(stampMs - nowMs) > V2_TIMESTAMP_WINDOW_MS) {
      throw new CertAuthError('credential', 'encodedData timestamp is outside the allowed window')
    }
  }
}
