import { type Actor, assertAdmin, normalizeEmail, type Role } from '@exam-reservation/domain';
import type { UnitOfWork, UserPage } from '../ports/index.js';
import { pageWindow } from '../support/page-window.js';

export interface ListUsersQuery {
  readonly actor: Actor;
  /** Only the account with this e-mail (compared as registration stores it: trimmed, lower case). */
  readonly email?: string | undefined;
  readonly role?: Role | undefined;
  /** 1-based */
  readonly page: number;
  /** 1–100 */
  readonly limit: number;
}

/** Accounts, by id, for admins: never a password hash or token version. */
export class ListUsers {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** @throws ForbiddenError | ValidationError */
  async execute(query: ListUsersQuery): Promise<UserPage> {
    assertAdmin(query.actor, 'list accounts');
    const window = pageWindow(query.page, query.limit);
    const email = query.email === undefined ? undefined : normalizeEmail(query.email);
    return this.deps.uow.read((stores) => stores.users.list({ email, role: query.role, ...window }));
  }
}
