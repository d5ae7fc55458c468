import type { Migration } from 'kysely';
import { initialSchema } from './0001-initial-schema.js';
import { loginThrottle } from './0002-login-throttle.js';
import { rejectedHistoryIdempotency } from './0003-rejected-history-idempotency.js';
import { webhooksOutbox } from './0004-webhooks-outbox.js';
import { loginUndecidedAttempts } from './0005-login-undecided-attempts.js';
import { opaqueIdempotencyAnswers } from './0006-opaque-idempotency-answers.js';
import { userTokenVersion } from './0007-user-token-version.js';
import { waitingList } from './0008-waiting-list.js';

/**
 * Every schema version, by the name recorded in `kysely_migration`; they run
 * in the order of their names. Kept in code rather than read from a folder
 * so the same list runs from the TypeScript sources (tests, tsx) and from
 * the compiled `dist`. Never edit a migration that has shipped; add one, in
 * a file of its own.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial-schema': initialSchema,
  '0002-login-throttle': loginThrottle,
  '0003-rejected-history-idempotency': rejectedHistoryIdempotency,
  '0004-webhooks-outbox': webhooksOutbox,
  '0005-login-undecided-attempts': loginUndecidedAttempts,
  '0006-opaque-idempotency-answers': opaqueIdempotencyAnswers,
  '0007-user-token-version': userTokenVersion,
  '0008-waiting-list': waitingList,
};
