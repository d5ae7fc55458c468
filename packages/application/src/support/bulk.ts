import { type DomainError, ValidationError } from '@exam-reservation/domain';

/** Most ids one bulk request may name. */
export const MAX_BULK_IDS = 1000;

/** What a bulk action did for one id. */
export type BulkOutcome<T> =
  | { readonly id: number; readonly ok: T }
  | { readonly id: number; readonly error: DomainError };

/**
 * 1–1,000 distinct ids.
 * @throws ValidationError on path `ids`
 */
export function assertBulkIds(ids: readonly number[]): void {
  if (ids.length < 1 || ids.length > MAX_BULK_IDS) {
    throw ValidationError.of('ids', `must list 1 to ${MAX_BULK_IDS} ids`);
  }
  if (new Set(ids).size !== ids.length) throw ValidationError.of('ids', 'must not repeat an id');
  if (!ids.every((id) => Number.isSafeInteger(id) && id >= 1)) {
    throw ValidationError.of('ids', 'must be positive integers');
  }
}
