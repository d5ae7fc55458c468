import { DomainError } from '@exam-reservation/domain';
import type { TransactionStores } from '../ports/index.js';
import type { Command } from './action.js';
import {
  answerAlone,
  expiryOf,
  type IdempotencyDeps,
  isIdempotencyRefusal,
  type Keyed,
  type OnceAnswer,
  type Reply,
  scopeOf,
  verdict,
} from './idempotent.js';

/**
 * A run's hold on its key, for work that spans several units of work: each
 * unit renews it, and the last one stores the answer in its own transaction.
 * Without a key both do nothing.
 */
export interface Lease<T> {
  renew(stores: TransactionStores): Promise<void>;
  finish(stores: TransactionStores, value: T): Promise<void>;
}

/** A use case that runs over several units of work. */
export interface LongAction<C, T> {
  /** Refusals made before anything is written (stored for a keyed request). */
  check(command: C): void;
  run(command: C, lease: Lease<T>): Promise<T>;
}

const NO_LEASE: Lease<never> = { renew: async () => undefined, finish: async () => undefined };

/**
 * A long action at most once per key. The first unit stores a `running`
 * record under a lease that every unit of the run renews; the unit that
 * finishes replaces it with the answer. Meanwhile a request with the key is
 * told it is in progress. If the process dies, the lease runs out and a
 * retry runs the action again (it must be safe to repeat). A run that fails,
 * or ends without finishing its lease, gives the key up at once.
 */
export function leased<C extends Command, T>(
  action: LongAction<C, T>,
  deps: IdempotencyDeps & { readonly leaseMs: number },
): (keyed: Keyed<C, T>) => Promise<Reply<T>> {
  const { uow, clock } = deps;
  return async ({ command, once }) => {
    if (!once) {
      action.check(command);
      return { value: await action.run(command, NO_LEASE) };
    }
    const scope = scopeOf(command.actor.userId, once);
    try {
      action.check(command);
    } catch (error) {
      if (!(error instanceof DomainError) || isIdempotencyRefusal(error)) throw error;
      return answerAlone(deps, scope, once, { error });
    }
    const createdAt = clock.now();
    const started = await uow.run(async (stores) => {
      const [claim] = await stores.idempotencyKeys.claim([scope], createdAt);
      const stored = verdict<T>(claim!, once.fingerprint, createdAt);
      if (stored) return stored;
      return stores.idempotencyKeys.start(
        scope,
        {
          fingerprint: once.fingerprint,
          leaseUntil: createdAt + deps.leaseMs,
          expiresAt: expiryOf(deps, createdAt),
        },
        createdAt,
      );
    });
    if (typeof started !== 'string') return started;
    let finished: OnceAnswer<T> | undefined;
    const lease: Lease<T> = {
      renew: (stores) => stores.idempotencyKeys.renew(scope, started, clock.now() + deps.leaseMs),
      finish: async (stores, value) => {
        const decided = { ok: value };
        const answer = once.render(decided);
        await stores.idempotencyKeys.finish(scope, started, {
          state: 'done',
          fingerprint: once.fingerprint,
          answer,
          expiresAt: expiryOf(deps, createdAt),
        });
        finished = { answer, replayed: false, decided };
      },
    };
    try {
      const value = await action.run(command, lease);
      if (finished) return finished;
      // Ended without storing an answer: the key is free for a repeat to go on.
      await uow.run((stores) => stores.idempotencyKeys.release(scope, started));
      const decided = { ok: value };
      return { answer: once.render(decided), replayed: false, decided };
    } catch (error) {
      await uow.run((stores) => stores.idempotencyKeys.release(scope, started)).catch(() => undefined);
      throw error;
    }
  };
}

/**
 * Tells `observe` how each run of a long action ended (its value, or null
 * when it failed) and how long it took, in seconds.
 */
export function timed<C, T>(
  action: LongAction<C, T>,
  clock: { now(): number },
  observe: (value: T | null, seconds: number) => void,
): LongAction<C, T> {
  return {
    check: (command) => action.check(command),
    async run(command, lease) {
      const started = clock.now();
      try {
        const value = await action.run(command, lease);
        observe(value, (clock.now() - started) / 1000);
        return value;
      } catch (error) {
        observe(null, (clock.now() - started) / 1000);
        throw error;
      }
    },
  };
}
