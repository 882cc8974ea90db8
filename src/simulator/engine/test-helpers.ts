/**
 * Helpers for the engine's unit tests: find ids by name in a loaded demo tenant.
 */
import type { ModelEngine, Named, Tenant } from './contract.ts'
import { loadTenant } from './loader.ts'

export function demo(): { tenant: Tenant; sales: ModelEngine; workforce: ModelEngine; budget: ModelEngine } {
  const tenant = loadTenant()
  const byName = (n: string): ModelEngine => {
    const m = tenant.models.find((x) => x.info.name === n)
    if (!m) throw new Error(`no model ${n}`)
    return m
  }
  return {
    tenant,
    sales: byName('Sales Forecast'),
    workforce: byName('Workforce Plan'),
    budget: byName('Budget 2024'),
  }
}

export function idOf(items: Named[], name: string): string {
  const hit = items.find((i) => i.name === name || i.name.endsWith(`.${name}`))
  if (!hit) throw new Error(`no ${name} among ${items.map((i) => i.name).join(', ')}`)
  return hit.id
}

/** An async iterable of byte chunks of `size` bytes, as an upload would arrive. */
export async function* chunks(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}

export async function collect(stream: AsyncIterable<string>): Promise<string> {
  let out = ''
  for await (const c of stream) out += c
  return out
}

/** Reads one cell of a view grid by row and column labels. */
export function cell(
  grid: { columnCoordinates: string[][]; rows: { rowCoordinates: string[]; cells: string[] }[] },
  row: string,
  column: string,
): string | undefined {
  const c = grid.columnCoordinates.findIndex((cc) => cc.join('|') === column)
  const r = grid.rows.find((rr) => rr.rowCoordinates.join('|') === row)
  return c < 0 ? undefined : r?.cells[c]
}
