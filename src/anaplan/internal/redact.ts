/** Redaction of URLs and header values before they reach an error, a log line or a stat. */

const SENSITIVE_QUERY = /token|password|secret|key|code|assertion|signature/i
const SENSITIVE_HEADER = /^(authorization|cookie|set-cookie|x-api-key|proxy-authorization)$/i

/** Removes user info and the values of sensitive query parameters from a URL. */
export function redactUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//[REDACTED]@')
  }
  if (u.username || u.password) {
    u.username = 'REDACTED'
    u.password = ''
  }
  for (const key of [...u.searchParams.keys()]) {
    if (SENSITIVE_QUERY.test(key)) u.searchParams.set(key, 'REDACTED')
  }
  return u.toString()
}

/** A copy of `headers` with credential-bearing values masked (scheme kept: `AnaplanAuthToken [REDACTED]`). */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (!SENSITIVE_HEADER.test(k)) out[k] = v
    else {
      const scheme = /^(\S+)\s+\S/.exec(v)?.[1]
      out[k] = scheme ? `${scheme} [REDACTED]` : '[REDACTED]'
    }
  }
  return out
}
