/**
 * Trace context for log correlation. Cloud Logging groups a request's lines when each carries
 * `logging.googleapis.com/trace` = `projects/<project>/traces/<trace id>`; the id comes from the
 * `X-Cloud-Trace-Context` header (Google front ends) or W3C `traceparent` (everything else).
 */

export interface TraceContext {
  traceId: string
  spanId?: string
  sampled?: boolean
}

/** Parses `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` or `traceparent: 00-TRACE-SPAN-FLAGS`. */
export function parseTrace(headers: Headers): TraceContext | undefined {
  const cloud = headers.get('x-cloud-trace-context')
  if (cloud) {
    const m = /^([0-9a-fA-F]{32})(?:\/(\d+))?(?:;o=([01]))?/.exec(cloud.trim())
    if (m?.[1]) {
      return {
        traceId: m[1].toLowerCase(),
        ...(m[2] && decimalSpanToHex(m[2]) ? { spanId: decimalSpanToHex(m[2])! } : {}),
        ...(m[3] ? { sampled: m[3] === '1' } : {}),
      }
    }
  }
  const parent = headers.get('traceparent')
  if (parent) {
    const m = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(parent.trim().toLowerCase())
    if (m?.[1] && m[2] && m[3] && !/^0+$/.test(m[1])) {
      return { traceId: m[1], spanId: m[2], sampled: (Number.parseInt(m[3], 16) & 1) === 1 }
    }
  }
  return undefined
}

/** The Cloud Logging special fields for a trace, to merge into a child logger's bindings. */
export function traceLogFields(
  trace: TraceContext | undefined,
  projectId: string | undefined,
): Record<string, unknown> {
  if (!trace) return {}
  return {
    'logging.googleapis.com/trace': projectId
      ? `projects/${projectId}/traces/${trace.traceId}`
      : trace.traceId,
    ...(trace.spanId ? { 'logging.googleapis.com/spanId': trace.spanId } : {}),
    ...(trace.sampled !== undefined ? { 'logging.googleapis.com/trace_sampled': trace.sampled } : {}),
  }
}

/** Cloud Logging wants span ids as 16 hex digits; `X-Cloud-Trace-Context` sends them in decimal. */
function decimalSpanToHex(decimal: string): string | undefined {
  try {
    return BigInt(decimal).toString(16).padStart(16, '0').slice(-16)
  } catch {
    return undefined
  }
}
