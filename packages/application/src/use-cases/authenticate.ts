import { type Actor, UnauthorizedError, type User } from '@exam-reservation/domain';
import type { Account, TokenIssuer, UnitOfWork } from '../ports/index.js';
import { NaturalBatch } from '../wrappers/natural-batch.js';

/**
 * Turns an access token into the user behind it. The account is read from
 * the store on every call, never trusted from the token: the role, so a
 * demoted admin loses the rights at once, and the token version, so every
 * token issued before a password change is refused at once, in every process.
 */
export class Authenticate {
  /**
   * Requests read in the same event-loop turn share one lookup, and those
   * that arrive while it runs share the next (one query for many callers),
   * so the per-request read costs little under load.
   */
  private readonly lookups: NaturalBatch<number, Account | null>;

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

  /**
   * @returns the caller, and the token version the token carries (the account's now)
   * @throws UnauthorizedError
   */
  async execute(token: string): Promise<{ actor: Actor; user: User; tokenVersion: number }> {
    const { tokenVersion, ...user } = await this.account(token);
    return { actor: { userId: user.id, role: user.role }, user, tokenVersion };
  }

  /**
   * For routes open to any signed-in caller whatever the role (schedules).
   * The token is checked as always, and the account read as for
   * {@link execute} (the same batched lookup): a token issued before a
   * password change is refused here too. (This read once happened only the
   * first time an account was seen; the token version made it needed on
   * every request, in every process.)
   * @returns the caller's user id
   * @throws UnauthorizedError
   */
  async signedIn(token: string): Promise<number> {
    return (await this.account(token)).id;
  }

  private async account(token: string): Promise<Account> {
    const { userId, tokenVersion } = await this.deps.tokenIssuer.verify(token);
    const account = await this.lookups.submit(userId);
    if (!account) throw new UnauthorizedError('the account behind this token no longer exists');
    if (account.tokenVersion !== tokenVersion) {
      throw new UnauthorizedError('this token was issued before the password changed; log in again');
    }
    return account;
  }
}
