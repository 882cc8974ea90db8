import { ValidationError } from '../errors.ts'

/**
 * Tagged template for URL paths: every interpolated value is checked and percent-encoded, so an id
 * that came from a chat message or a CLI flag can never walk to another endpoint.
 *
 * @example path`/models/${modelId}/views/${viewId}` // '/models/ABC/views/102000000001'
 * @throws {ValidationError} When a value is empty, `.`/`..`, or contains `/`, `\`, `?`, `#`, `%` or a control character.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += encodeSegment(v) + (strings[i + 1] ?? '')
  })
  return out
}

/** Validates one path segment and percent-encodes it. */
export function encodeSegment(value: string | number): string {
  const s = String(value)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we reject
  if (s === '' || s === '.' || s === '..' || /[/\\?#%\u0000-\u001f\u007f]/.test(s)) {
    throw new ValidationError(`Invalid id for a URL path: ${JSON.stringify(s.slice(0, 64))}`)
  }
  return encodeURIComponent(s)
}
