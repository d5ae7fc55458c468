import { ValidationError } from '@exam-reservation/domain';

/** The most items one page of a list may hold. */
export const MAX_PAGE_LIMIT = 100;

/**
 * The rows a 1-based page of `limit` items covers.
 * @throws ValidationError for a page below 1 or a limit outside 1–100
 */
export function pageWindow(page: number, limit: number): { offset: number; limit: number } {
  if (!Number.isSafeInteger(page) || page < 1) throw ValidationError.of('page', 'must be ≥ 1');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw ValidationError.of('limit', `must be from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return { offset: (page - 1) * limit, limit };
}
