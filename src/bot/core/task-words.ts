/**
 * Anaplan's task details in a planner's words: "REV01 Revenue: 36 (0/36) rows successful, 0
 * ignored" becomes "REV01 Revenue: 36 of 36 rows loaded". The counts come from the detail's named
 * values; a detail without them keeps Anaplan's own text.
 */
interface TaskDetail {
  localMessageText?: string | undefined
  values?: (string | null)[] | undefined
}

function named(values: TaskDetail['values']): Map<string, string> {
  const out = new Map<string, string>()
  const vs = values ?? []
  for (let i = 0; i + 1 < vs.length; i += 2) {
    const k = vs[i]
    const v = vs[i + 1]
    if (typeof k === 'string' && typeof v === 'string') out.set(k, v)
  }
  return out
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** One detail as a sentence fragment, or `undefined` when it has no text at all. */
export function detailInWords(d: TaskDetail): string | undefined {
  const v = named(d.values)
  const ok = Number(v.get('successRowCount'))
  const total = Number(v.get('totalRowCount'))
  if (!Number.isFinite(ok) || !Number.isFinite(total) || !v.has('successRowCount') || !v.has('totalRowCount'))
    return d.localMessageText?.trim() || undefined
  const target = v.get('moduleName') ?? v.get('hierarchyName')
  // Anaplan's counter names (as Anaplan Connect records them): failedCount, ignoredCount.
  const failed = Number(v.get('failedCount') ?? 0)
  const ignored = Number(v.get('ignoredCount') ?? 0)
  const parts = [`${ok} of ${plural(total, 'row')} loaded`]
  if (failed > 0) parts.push(`${failed} failed`)
  if (ignored > 0) parts.push(`${ignored} ignored`)
  return `${target ? `${target}: ` : ''}${parts.join(', ')}`
}

/** The failed row count over all details, when Anaplan reported one. */
export function failedRows(details: TaskDetail[] | undefined): number {
  let n = 0
  // Only the row-count details: others may repeat the failed count in their own words.
  for (const d of details ?? []) {
    const v = named(d.values)
    if (v.has('totalRowCount')) n += Number(v.get('failedCount') ?? 0) || 0
  }
  return n
}
