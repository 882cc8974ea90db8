import { randomBytes, randomUUID } from 'node:crypto'

/** 32-char uppercase hex, Anaplan's format for task and read-request ids. */
export function newTaskId(): string {
  return randomBytes(16).toString('hex').toUpperCase()
}

/** An opaque token value shaped like Anaplan's (base64, so it contains `+`, `/` and `=`). */
export function newTokenValue(): string {
  return randomBytes(48).toString('base64')
}

/** A UUID for `tokenId`/`refreshTokenId`. */
export function newUuid(): string {
  return randomUUID()
}
