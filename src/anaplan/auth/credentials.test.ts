import { createVerify, X509Certificate } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import { generateTestCertificate, type TestCertificate } from '../testing/certificate.ts'
import { basicAuthorization, certificateAuthentication, NONCE_BYTES } from './credentials.ts'

let cert: TestCertificate
beforeAll(async () => {
  cert = await generateTestCertificate()
})

function verify(pem: string, data: Buffer, signature: string): boolean {
  return createVerify('SHA512').update(data).verify(new X509Certificate(pem).publicKey, signature, 'base64')
}

describe('basicAuthorization', () => {
  it('encodes user:password', () => {
    expect(basicAuthorization('analyst@example.com', 'demo-password')).toBe(
      `Basic ${Buffer.from('analyst@example.com:demo-password').toString('base64')}`,
    )
    expect(() => basicAuthorization('a', '')).toThrow(ConfigError)
  })
})

describe('certificateAuthentication', () => {
  const now = () => Date.parse('2026-11-22T10:00:00Z')

  it('v2 (default): 8-byte big-endian seconds prefix, RSA-SHA512 over the whole nonce', () => {
    const { authorization, body } = certificateAuthentication(cert.certificatePem, cert.privateKeyPem, {
      now,
    })
    expect(authorization).toBe(`CACertificate ${Buffer.from(cert.certificatePem).toString('base64')}`)
    expect(body.encodedDataFormat).toBe('v2')
    const data = Buffer.from(body.encodedData, 'base64')
    expect(data.length).toBe(8 + NONCE_BYTES)
    expect(data.readBigUInt64BE(0)).toBe(BigInt(now() / 1000))
    expect(verify(cert.certificatePem, data, body.encodedSignedData)).toBe(true)
    // A signature over other bytes must not verify: the check above is meaningful.
    expect(verify(cert.certificatePem, data.subarray(8), body.encodedSignedData)).toBe(false)
  })

  it('v1: random bytes only, no format field', () => {
    const fixed = new Uint8Array(NONCE_BYTES).fill(7)
    const { body } = certificateAuthentication(cert.certificatePem, cert.privateKeyPem, {
      format: 'v1',
      randomBytes: () => fixed,
    })
    expect(body.encodedDataFormat).toBeUndefined()
    const data = Buffer.from(body.encodedData, 'base64')
    expect(data.length).toBeGreaterThanOrEqual(100)
    expect(data.equals(Buffer.from(fixed))).toBe(true)
    expect(verify(cert.certificatePem, data, body.encodedSignedData)).toBe(true)
  })

  it('rejects unreadable PEM without echoing it', () => {
    const secretish = '-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----'
    try {
      certificateAuthentication(cert.certificatePem, secretish)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      expect(String((e as Error).message)).not.toContain('TOPSECRET')
    }
    expect(() => certificateAuthentication('not a cert', cert.privateKeyPem)).toThrow(ConfigError)
  })
})
