import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JsonlFileAuditSink, MemoryAuditSink } from './audit.ts'
import { DiskDownloadStore } from './downloads.ts'
import { emptySession, MemorySessionStore } from './session.ts'

async function* chunks(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p)
}

describe('MemorySessionStore', () => {
  it('versions values, refuses stale writes, expires and warns once', async () => {
    let now = 0
    const warnings: string[] = []
    const store = new MemorySessionStore({ now: () => now, ttlMs: 1000, warn: (m) => warnings.push(m) })
    new MemorySessionStore({ warn: (m) => warnings.push(m) })
    expect(warnings).toHaveLength(1)
    expect(await store.set('a', emptySession(0), { ifVersion: 0 })).toBe(1)
    expect(await store.set('a', emptySession(0), { ifVersion: 0 })).toBe(false)
    const got = await store.get('a')
    expect(got?.version).toBe(1)
    got?.value.outbox.push({ type: 'text', text: 'mutated copy' })
    expect((await store.get('a'))?.value.outbox).toEqual([])
    now = 1001
    expect(await store.get('a')).toBeUndefined()
  })
})

describe('MemorySessionStore sweeping', () => {
  it('drops expired sessions on a later write, so invented session ids cannot grow memory', async () => {
    let now = 0
    const store = new MemorySessionStore({ now: () => now, ttlMs: 1000, sweepIntervalMs: 500 })
    for (let i = 0; i < 100; i++) await store.set(`junk-${i}`, emptySession(now))
    expect(store.size).toBe(100)
    now = 600
    await store.set('live', emptySession(now))
    // Not expired yet: a sweep ran but kept them.
    expect(store.size).toBe(101)
    now = 1700
    await store.set('live', emptySession(now), { ttlMs: 1000 })
    expect(store.size).toBe(1)
    expect(await store.get('live')).toBeDefined()
    const seen: string[] = []
    for await (const [id] of store.entries()) seen.push(id)
    expect(seen).toEqual(['live'])
  })
})

describe('audit sinks', () => {
  it('appends one JSON line per entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-'))
    const sink = new JsonlFileAuditSink(join(dir, 'sub', 'audit.jsonl'))
    const entry = {
      ts: '2026-01-01T00:00:00.000Z',
      identity: { channel: 'web' as const, userId: 'u' },
      sessionId: 's',
      model: 'Sales Forecast',
      action: 'write_cell',
      details: { lineItem: 'Units', to: 5 },
      result: 'ok' as const,
    }
    await Promise.all([
      sink.write(entry),
      sink.write({ ...entry, result: 'refused', error: 'not_permitted' }),
    ])
    const lines = (await readFile(sink.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatchObject({ result: 'refused', error: 'not_permitted', identity: { userId: 'u' } })
    const mem = new MemoryAuditSink()
    await mem.write(entry)
    expect(mem.entries).toEqual([entry])
  })
})

describe('DiskDownloadStore', () => {
  it('stores under unguessable ids, serves them, and forgets them after the TTL', async () => {
    let now = 0
    const store = new DiskDownloadStore({ ttlMs: 1000, now: () => now })
    const a = await store.put('Revenue Export.csv', chunks('a,b\n', '1,2\n'))
    const b = await store.put('x.csv', chunks('z'))
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(a.id).not.toBe(b.id)
    expect(a.size).toBe(8)
    const opened = await store.open(a.id)
    expect(opened?.name).toBe('Revenue Export.csv')
    expect(await new Response(opened?.stream).text()).toBe('a,b\n1,2\n')
    expect(await store.open('../../etc/passwd')).toBeUndefined()
    expect(await store.open('A'.repeat(32))).toBeUndefined()
    now = 1001
    expect(await store.open(a.id)).toBeUndefined()
  })
})
