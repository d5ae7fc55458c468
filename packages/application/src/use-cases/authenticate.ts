import { type Actor, UnauthorizedError, type User } from '@exam-reservation/domain';
import type { TokenIssuer, UnitOfWork } from '../ports/index.js';
import { NaturalBatch } from '../wrappers/natural-batch.js';

/**
 * Turns an access token into the user behind it. The role is read from the
 * store on every call, never trusted from the token, so a demoted admin loses
 * the rights at once.
 */
export class Authenticate {
  /**
   * Requests read in the same event-loop turn share one lookup, and those
   * that arrive while it runs share the next (one query for many callers),
   * so the per-request read costs little under load.
   */
  private readonly lookups: NaturalBatch<number, User | null>;
  /**
   * Ids of accounts seen to exist (bounded). Accounts are never deleted, so
   * an account that existed still does: routes that need only a signed-in
   * caller, whatever the role, need no lookup for it. (Were accounts ever
   * deleted, this would have to forget them.)
   */
  private readonly known = new Set<number>();

  constructor(private readonly deps: { uow: UnitOfWork; tokenIssuer: TokenIssuer }) {
    this.lookups = new NaturalBatch(
      async (ids) => {
        const found = await deps.uow.read((stores) => stores.users.findManyById(ids));
        const byId = new Map(found.map((user) => [user.id, user]));
        return ids.map((id) => ({ ok: byId.get(id) ?? null }));
      },
      { maxBatch: 256, gatherTurn: true },
    );
  }

  /** @throws UnauthorizedError */
  async execute(token: string): Promise<{ actor: Actor; user: User }> {
    const userId = await this.deps.tokenIssuer.verify(token);
    const user = await this.lookups.submit(userId);
    if (!user) throw new UnauthorizedError('the account behind this token no longer exists');
    this.remember(user.id);
    return { actor: { userId: user.id, role: user.role }, user };
  }

  /**
   * For routes open to any signed-in caller whatever the role (schedules):
   * the token is checked as always, and the account's existence is read
   * from the store only the first time.
   * @returns the caller's user id
   * @throws UnauthorizedError
   */
  async signedIn(token: string): Promise<number> {
    const userId = await this.deps.tokenIssuer.verify(token);
    if (this.known.has(userId)) return userId;
    const user = await this.lookups.submit(userId);
    if (!user) throw new UnauthorizedError('the account behind this token no longer exists');
    this.remember(user.id);
    return userId;
  }

  private remember(userId: number): void {
    if (this.known.size >= 100_000) this.known.clear();
    this.known.add(userId);
  }
}
