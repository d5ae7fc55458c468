import { type Actor, UnauthorizedError, type User } from '@exam-reservation/domain';
import type { TokenIssuer, UnitOfWork } from '../ports/index.js';

/**
 * Turns an access token into the user behind it. The role is read from the
 * store on every call, never trusted from the token, so a demoted admin loses
 * the rights at once.
 */
export class Authenticate {
  constructor(private readonly deps: { uow: UnitOfWork; tokenIssuer: TokenIssuer }) {}

  /** @throws UnauthorizedError */
  async execute(token: string): Promise<{ actor: Actor; user: User }> {
    const userId = await this.deps.tokenIssuer.verify(token);
    const user = await this.deps.uow.read((stores) => stores.users.findById(userId));
    if (!user) throw new UnauthorizedError('the account behind this token no longer exists');
    return { actor: { userId: user.id, role: user.role }, user };
  }
}
