import type { SimUser } from '../engine/contract.ts'
import { newTokenValue, newUuid } from './ids.ts'

/** One issued AnaplanAuthToken. */
export interface TokenRecord {
  value: string
  tokenId: string
  refreshTokenId: string
  userId: string
  expiresAt: number
}

/**
 * Issued tokens. Refresh keeps the token value and only moves its expiry (live behaviour, reference
 * §2.2); logout removes it at once.
 */
export class TokenStore {
  readonly #tokens = new Map<string, TokenRecord>()

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  issue(user: SimUser): TokenRecord {
    const record: TokenRecord = {
      value: newTokenValue(),
      tokenId: newUuid(),
      refreshTokenId: newUuid(),
      userId: user.id,
      expiresAt: this.now() + this.ttlMs,
    }
    this.#tokens.set(record.value, record)
    return record
  }

  /** The live record for a token value, or undefined when unknown, expired or logged out. */
  get(value: string): TokenRecord | undefined {
    const record = this.#tokens.get(value)
    if (!record) return undefined
    if (record.expiresAt <= this.now()) {
      this.#tokens.delete(value)
      return undefined
    }
    return record
  }

  refresh(value: string): TokenRecord | undefined {
    const record = this.get(value)
    if (record) record.expiresAt = this.now() + this.ttlMs
    return record
  }

  revoke(value: string): boolean {
    return this.#tokens.delete(value)
  }
}
