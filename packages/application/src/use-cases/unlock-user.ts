import { type Actor, assertAdmin, NotFoundError } from '@exam-reservation/domain';
import type { LoginAttempts, UnitOfWork } from '../ports/index.js';
import { accountKeys } from '../support/log-in-throttle.js';

export interface UnlockUserCommand {
  readonly actor: Actor;
  readonly id: number;
}

/**
 * An admin clears an account's log-in throttling counts, from every address
 * (its per-account count and its per-account-and-address ones). Counts of an
 * address across accounts are the address's, not the account's, and stay.
 */
export class UnlockUser {
  constructor(private readonly deps: { uow: UnitOfWork; loginAttempts: LoginAttempts }) {}

  /** @throws ForbiddenError | NotFoundError */
  async execute(command: UnlockUserCommand): Promise<void> {
    assertAdmin(command.actor, 'unlock accounts');
    const user = await this.deps.uow.read((stores) => stores.users.findById(command.id));
    if (!user) throw new NotFoundError('user not found');
    const { keys, prefixes } = accountKeys(user.email);
    await this.deps.loginAttempts.clear(keys, prefixes);
  }
}
