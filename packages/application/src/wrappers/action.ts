import { type Actor, DomainError } from '@exam-reservation/domain';
import { StoreUnavailableError, type TransactionStores, type UnitOfWork } from '../ports/index.js';

/** What a use case did with one command: its value, or the refusal it made. */
export type Decided<T> = { readonly ok: T } | { readonly error: DomainError };

/** Every command names who asks: keys are scoped per user. */
export interface Command {
  readonly actor: Actor;
}

/**
 * The core of a use case: what it does inside one unit of work, for one
 * command or for several decided together, each on its own and in order.
 * A refusal that wrote nothing is an outcome; a throw (a fault, or a refusal
 * found only after writing) keeps nothing of the unit.
 */
export interface Action<C, T> {
  decide(stores: TransactionStores, commands: readonly C[]): Promise<Decided<T>[]>;
  /**
   * The answer to a single command whose unit of work threw a refusal, given
   * after that unit was rolled back (a keyed one stores it in a unit of its own).
   */
  refused?(command: C, error: DomainError): Promise<Decided<T>>;
}

/** What a caller gets back for one command: its value, or what to throw. */
export type Outcome<T> = { readonly ok: T } | { readonly error: unknown };

/**
 * Runs commands in one unit of work. If that unit fails as a whole, nothing
 * of it was kept: each command is tried again in a unit of its own (unless
 * the store is down, which would fail them all alike). A single command's
 * refusal is answered through {@link Action.refused}.
 */
export function inUnits<C, T>(
  uow: UnitOfWork,
  action: Action<C, T>,
): (commands: readonly C[]) => Promise<Outcome<T>[]> {
  const run = async (commands: readonly C[]): Promise<Outcome<T>[]> => {
    try {
      return await uow.run((stores) => action.decide(stores, commands));
    } catch (error) {
      if (commands.length === 1) {
        if (!(error instanceof DomainError)) throw error;
        return [action.refused ? await action.refused(commands[0]!, error) : { error }];
      }
      if (error instanceof StoreUnavailableError) throw error;
      const outcomes: Outcome<T>[] = [];
      for (const command of commands) {
        outcomes.push(
          await run([command]).then(
            ([one]) => one!,
            (e: unknown) => ({ error: e }),
          ),
        );
      }
      return outcomes;
    }
  };
  return run;
}

/**
 * A decision made one command after another, each throwing its refusal: a
 * refusal then keeps nothing of the unit of work (see {@link inUnits}).
 */
export function oneByOne<C, T>(
  decide: (stores: TransactionStores, command: C) => Promise<T>,
): Action<C, T>['decide'] {
  return async (stores, commands) => {
    const outcomes: Decided<T>[] = [];
    for (const command of commands) outcomes.push({ ok: await decide(stores, command) });
    return outcomes;
  };
}

/** The value of an outcome, or its error thrown. */
export function settledValue<T>(outcome: Outcome<T>): T {
  if ('ok' in outcome) return outcome.ok;
  throw outcome.error;
}
