/** A bounded least-recently-used map (a `Map` keeps insertion order: the first key is the oldest). */
export class LruCache<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()
  hits = 0
  misses = 0

  /** @param max entries kept; 0 disables the cache */
  constructor(max: number) {
    this.#max = Math.max(0, Math.floor(max))
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    const v = this.#map.get(key)
    if (v === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    // Re-insert: now the most recently used.
    this.#map.delete(key)
    this.#map.set(key, v)
    return v
  }

  set(key: K, value: V): void {
    if (this.#max === 0) return
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K)
  }

  clear(): void {
    this.#map.clear()
    this.hits = 0
    this.misses = 0
  }
}
