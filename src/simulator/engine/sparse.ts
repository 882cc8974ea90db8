/**
 * Sparse modules (model file `sparse:`), for models too large to store: a module such as
 * Store × SKU × Time × Versions has tens of millions of cells per line item. Seeded cells are
 * computed from a hash of their coordinates when read, and only a `density` share of the pairs of
 * the two sparse dimensions carry data (as a store carries a share of the range); written cells
 * are stored as usual and override the seed. Sums over parents of the sparse dimensions visit the
 * carried pairs only, so a total over every store reads a few thousand cells, not millions.
 */
import type { Dimension, DimItem } from './dimension.ts'
import type { LazySeed, LineItem, Module } from './types.ts'

/** FNV-1a of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function mix(h: number, x: number): number {
  let k = Math.imul(x, 0xcc9e2d51)
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593)
  const m = (h ^ k) >>> 0
  return (Math.imul((m << 13) | (m >>> 19), 5) + 0xe6546b64) >>> 0
}

/** A number in [0, 1) from a hash (murmur3's finaliser). */
function unit(h: number): number {
  let x = h
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return (x >>> 0) / 4294967296
}

// Item ids are few (thousands) and immutable, so their hashes are kept for the process.
const idHashes = new Map<string, number>()
function idHash(id: string): number {
  let h = idHashes.get(id)
  if (h === undefined) {
    h = hash32(id)
    idHashes.set(id, h)
  }
  return h
}

/** A lazily seeded cell's value; keyed by item ids, so renaming an item keeps its figures. */
export function lazySeedValue(seed: LazySeed, coords: string[]): number {
  let h = seed.hash
  for (const k of seed.by) h = mix(h, idHash(coords[k]!))
  const r = unit(h)
  return Math.round((seed.min + (seed.max - seed.min) * r) * seed.scale) / seed.scale
}

/** One side of the sparse pair: leaves, aggregates, and which aggregates hold which leaves. */
class Side {
  readonly leaves: DimItem[]
  readonly leafIdx = new Map<string, number>()
  readonly aggIdx = new Map<string, number>()
  /** Per leaf, the indexes of its aggregate ancestors. */
  readonly ancestors: Int32Array[]
  /** `under[leaf * aggCount + agg]` is 1 when the leaf rolls up to the aggregate. */
  readonly under: Uint8Array
  readonly aggCount: number

  constructor(readonly dim: Dimension) {
    this.leaves = dim.leaves()
    this.leaves.forEach((l, i) => {
      this.leafIdx.set(l.id, i)
    })
    for (const item of dim.order()) if (dim.isAggregate(item.id)) this.aggIdx.set(item.id, this.aggIdx.size)
    this.aggCount = this.aggIdx.size
    this.under = new Uint8Array(this.leaves.length * this.aggCount)
    this.ancestors = this.leaves.map((leaf, i) => {
      const out: number[] = []
      for (let p = leaf.parentId; p; p = dim.get(p)?.parentId) {
        const a = this.aggIdx.get(p)
        if (a === undefined) continue
        out.push(a)
        this.under[i * this.aggCount + a] = 1
      }
      return Int32Array.from(out)
    })
  }
}

const MAX_SLICES = 256

export class SparseIndex {
  private readonly ia: number
  private readonly ib: number
  private a!: Side
  private b!: Side
  private versionA = -1
  private versionB = -1
  /** Carried pairs by A leaf and by B leaf (seeded pairs plus pairs with written cells). */
  private byA: number[][] = []
  private byB: number[][] = []
  private seeded: Uint8Array = new Uint8Array(0)
  private generation = -1
  /** Aggregate × aggregate sums per line item and other coordinates, newest last. */
  private slices = new Map<string, Float64Array>()

  constructor(
    private readonly module: Module,
    private readonly density: number,
    private readonly hash: number,
  ) {
    ;[this.ia, this.ib] = module.sparse!.dims
  }

  /** Brings the index up to date with the dimensions and the stored cells. */
  refresh(generation: number): void {
    const da = this.module.dims[this.ia]!
    const db = this.module.dims[this.ib]!
    if (da.version !== this.versionA || db.version !== this.versionB) {
      this.versionA = da.version
      this.versionB = db.version
      this.a = new Side(da)
      this.b = new Side(db)
      const nb = this.b.leaves.length
      this.seeded = new Uint8Array(this.a.leaves.length * nb)
      const hb = this.b.leaves.map((x) => idHash(x.id))
      this.a.leaves.forEach((leafA, i) => {
        const h = mix(this.hash, idHash(leafA.id))
        for (let j = 0; j < nb; j++) if (unit(mix(h, hb[j]!)) < this.density) this.seeded[i * nb + j] = 1
      })
      this.generation = -1
    }
    if (generation === this.generation) return
    this.generation = generation
    this.slices.clear()
    const nb = this.b.leaves.length
    this.byA = this.a.leaves.map(() => [])
    this.byB = this.b.leaves.map(() => [])
    for (let i = 0; i < this.a.leaves.length; i++) {
      for (let j = 0; j < nb; j++) {
        if (this.seeded[i * nb + j]) {
          this.byA[i]!.push(j)
          this.byB[j]!.push(i)
        }
      }
    }
    // Written cells on pairs the seed leaves empty count too.
    const extra = new Set<number>()
    for (const li of this.module.lineItems) {
      for (const key of li.cells.keys()) {
        const parts = key.split('|')
        const i = this.a.leafIdx.get(parts[this.ia]!)
        const j = this.b.leafIdx.get(parts[this.ib]!)
        if (i === undefined || j === undefined || this.seeded[i * nb + j]) continue
        const pair = i * nb + j
        if (extra.has(pair)) continue
        extra.add(pair)
        this.byA[i]!.push(j)
        this.byB[j]!.push(i)
      }
    }
  }

  /** Whether a leaf pair carries seeded data. */
  seededAt(coords: string[]): boolean {
    const i = this.a.leafIdx.get(coords[this.ia]!)
    const j = this.b.leafIdx.get(coords[this.ib]!)
    return i !== undefined && j !== undefined && this.seeded[i * this.b.leaves.length + j] === 1
  }

  /** Carried pairs (seeded or written) over every leaf; for tests and sizing. */
  pairCount(): number {
    return this.byA.reduce((n, l) => n + l.length, 0)
  }

  /**
   * The SUM of `leaf` over the carried leaf pairs under `coords`, where at least one of the two
   * sparse coordinates is an aggregate and every other coordinate is a leaf.
   */
  sum(li: LineItem, coords: string[], leaf: (coords: string[]) => number): number {
    const { a, b, ia, ib } = this
    const at = coords.slice()
    const i = a.leafIdx.get(coords[ia]!)
    const j = b.leafIdx.get(coords[ib]!)
    if (i !== undefined || j !== undefined) {
      // One side is a leaf: walk that leaf's pairs and keep those under the other side's aggregate.
      const other = i !== undefined ? b : a
      const otherIdx = i !== undefined ? ib : ia
      const k = other.aggIdx.get(coords[otherIdx]!)
      if (k === undefined) return 0
      let total = 0
      for (const x of i !== undefined ? this.byA[i]! : this.byB[j!]!) {
        if (other.under[x * other.aggCount + k] !== 1) continue
        at[otherIdx] = other.leaves[x]!.id
        total += leaf(at)
      }
      return total
    }
    const ga = a.aggIdx.get(coords[ia]!)
    const gb = b.aggIdx.get(coords[ib]!)
    if (ga === undefined || gb === undefined) return 0
    return this.slice(li, coords, leaf)[ga * b.aggCount + gb]!
  }

  /** Every aggregate × aggregate sum of one line item at the other coordinates, in one pass. */
  private slice(li: LineItem, coords: string[], leaf: (coords: string[]) => number): Float64Array {
    const { a, b, ia, ib } = this
    const key = `${li.id}#${coords.filter((_, k) => k !== ia && k !== ib).join('|')}`
    const hit = this.slices.get(key)
    if (hit) return hit
    const out = new Float64Array(a.aggCount * b.aggCount)
    const at = coords.slice()
    for (let i = 0; i < a.leaves.length; i++) {
      const ancA = a.ancestors[i]!
      if (ancA.length === 0) continue
      at[ia] = a.leaves[i]!.id
      for (const j of this.byA[i]!) {
        const ancB = b.ancestors[j]!
        if (ancB.length === 0) continue
        at[ib] = b.leaves[j]!.id
        const v = leaf(at)
        if (v === 0) continue
        for (const x of ancA) {
          const row = x * b.aggCount
          for (const y of ancB) out[row + y]! += v
        }
      }
    }
    if (this.slices.size >= MAX_SLICES) this.slices.delete(this.slices.keys().next().value!)
    this.slices.set(key, out)
    return out
  }
}
