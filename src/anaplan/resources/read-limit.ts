/** Anaplan's over-the-limit answer to a plain read, turned into an error that names the way round. */
import { BadRequestError, ReadLimitError } from '../errors.ts'

/**
 * Anaplan refuses reads over 1,000,000 cells (views) or items (lists) with a plain 400. Its wording
 * is not documented, so this matches the limit's number or the words around it.
 */
const READ_LIMIT_MESSAGE =
  /1,?000,?000|million|too (many|large)|more than \d[\d,]* (cells|items)|read request/i

/** Turns the over-the-limit 400 into a {@link ReadLimitError} that names the paged method. */
export function rethrowReadLimit(useInstead: 'readViewLarge' | 'readListLarge') {
  return (error: unknown): never => {
    if (
      error instanceof BadRequestError &&
      error.statusMessage !== undefined &&
      READ_LIMIT_MESSAGE.test(error.statusMessage)
    ) {
      throw new ReadLimitError(error, useInstead)
    }
    throw error
  }
}
