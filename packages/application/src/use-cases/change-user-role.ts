import {
  type Actor,
  assertAdmin,
  assertAdminRemains,
  NotFoundError,
  type Role,
  type User,
} from '@exam-reservation/domain';
import type { UnitOfWork } from '../ports/index.js';

export interface ChangeUserRoleCommand {
  readonly actor: Actor;
  readonly id: number;
  readonly role: Role;
}

/**
 * An admin makes an account an admin or a user. There is always an admin
 * left: the admins' rows are locked before they are counted, in the unit of
 * work that demotes, so two admins demoting each other at once take turns
 * and the second is refused.
 */
export class ChangeUserRole {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** @throws ForbiddenError | NotFoundError | LastAdminError */
  async execute(command: ChangeUserRoleCommand): Promise<User> {
    assertAdmin(command.actor, 'change roles');
    return this.deps.uow.run(async (stores) => {
      // Locked first, before the account is read, so the count and the account are read after any
      // demotion that went before.
      const admins = command.role === 'user' ? await stores.users.lockAdmins() : undefined;
      const user = await stores.users.findById(command.id);
      if (!user) throw new NotFoundError('user not found');
      if (user.role === command.role) return user;
      // Another admin must stay, one whose row is locked here so that it cannot be demoted meanwhile.
      if (admins) assertAdminRemains(admins, user.id);
      await stores.users.setRole(user.id, command.role);
      return { ...user, role: command.role };
    });
  }
}
