/** Minimal CSV writing for the simulator's own outputs (read-request pages, list items). */

/** Quotes a field when it holds a separator, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** One CSV line (no terminator). */
export function csvLine(fields: string[]): string {
  return fields.map(csvField).join(',')
}
