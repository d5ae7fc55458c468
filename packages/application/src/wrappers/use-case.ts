import { DomainError } from '@exam-reservation/domain';
import type { Command, Decided } from './action.js';
import { isIdempotencyRefusal, type Keyed, type Once, type OnceAnswer, type Reply } from './idempotent.js';

/** A use case's one entry point: a command, with a key or without. */
export interface UseCase<C, T> {
  /** Without a key, a refusal is thrown. */
  execute(command: C): Promise<T>;
  /** With a key, a refusal is answered (and stored); a replay says so. */
  execute(command: C, once: Once<T>): Promise<OnceAnswer<T>>;
  execute(command: C, once?: Once<T>): Promise<T | OnceAnswer<T>>;
}

/** Checks made before a command is queued or its key claimed. */
export interface Checks<C> {
  /** Refusals no answer is stored for (who may act), thrown before anything is read. */
  readonly guard?: ((command: C) => void) | undefined;
  /** Refusals of a command without a key, thrown at once rather than after waiting for a batch. */
  readonly screen?: ((command: C) => void) | undefined;
}

/** The entry point over a composed submit (for example `batched(inUnits(uow, idempotent(action)))`). */
export function useCase<C extends Command, T>(
  submit: (keyed: Keyed<C, T>) => Promise<Reply<T>>,
  checks: Checks<C> = {},
): UseCase<C, T> {
  async function execute(command: C): Promise<T>;
  async function execute(command: C, once: Once<T>): Promise<OnceAnswer<T>>;
  async function execute(command: C, once?: Once<T>): Promise<T | OnceAnswer<T>> {
    checks.guard?.(command);
    if (!once) checks.screen?.(command);
    const reply = await submit({ command, once });
    return 'value' in reply ? reply.value : reply;
  }
  return { execute };
}

/**
 * Tells `count` what was decided for each command once it is final (after
 * its unit of work committed): a value, a refusal thrown, or a keyed answer
 * that this request decided (replays are not counted again).
 */
export function counted<C, T>(
  submit: (keyed: Keyed<C, T>) => Promise<Reply<T>>,
  count: (decided: Decided<T>) => void,
): (keyed: Keyed<C, T>) => Promise<Reply<T>> {
  return async (keyed) => {
    try {
      const reply = await submit(keyed);
      if ('value' in reply) count({ ok: reply.value });
      else if (!reply.replayed && reply.decided) count(reply.decided);
      return reply;
    } catch (error) {
      if (error instanceof DomainError && !isIdempotencyRefusal(error)) count({ error });
      throw error;
    }
  };
}
