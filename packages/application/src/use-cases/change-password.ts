import {
  type Actor,
  normalizeEmail,
  UnauthorizedError,
  type User,
  validateNewPassword,
} from '@exam-reservation/domain';
import type { Clock, LoginAttempts, PasswordHasher, UnitOfWork } from '../ports/index.js';
import {
  DEFAULT_LOG_IN_THROTTLE,
  type LogInThrottle,
  logInLimits,
  ThrottledAttempts,
} from '../support/log-in-throttle.js';

export interface ChangePasswordCommand {
  readonly actor: Actor;
  /** The signed-in caller's account, as authentication read it. */
  readonly user: User;
  /** The token version the caller's token carries: the change is made only while it is the account's. */
  readonly tokenVersion: number;
  readonly currentPassword: string;
  readonly newPassword: string;
  /** Where the request came from, for throttling (an IPv6 client by its /64). */
  readonly address: string;
  /** Aborted when the client went away: a password still waiting to be hashed or checked is not. */
  readonly signal?: AbortSignal | undefined;
}

const STALE_TOKEN = 'this token was issued before the password changed; log in again';

/**
 * The signed-in caller changes the account's password. The current password
 * is proved as at log-in, and counted against the same limits (a wrong one
 * is a failed log-in of the account from that address; past a limit, 429).
 * The new one follows the registration rules. Both go through the password
 * hasher (its queue may refuse them, 503). The change raises the account's
 * token version: every token issued before it is refused from then on, and
 * of several changes made at once with one token only the first is made.
 */
export class ChangePassword {
  private readonly throttle: LogInThrottle;
  private readonly attempts: ThrottledAttempts;

  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      passwordHasher: PasswordHasher;
      loginAttempts: LoginAttempts;
      throttle?: LogInThrottle | undefined;
    },
  ) {
    this.throttle = deps.throttle ?? DEFAULT_LOG_IN_THROTTLE;
    this.attempts = new ThrottledAttempts(deps.loginAttempts, deps.clock);
  }

  /** @throws ValidationError | RateLimitedError | UnauthorizedError (wrong current password) | OverloadedError */
  async execute(command: ChangePasswordCommand): Promise<void> {
    validateNewPassword(command.newPassword, 'new_password');
    const { uow, passwordHasher, loginAttempts } = this.deps;
    const email = normalizeEmail(command.user.email);
    const { limits, accountFromAddress } = logInLimits(this.throttle, email, command.address);
    const attempt = await this.attempts.begin(limits);
    let ok: boolean;
    try {
      const account = await uow.read((stores) => stores.users.findByEmail(email));
      if (!account || account.id !== command.actor.userId) throw new UnauthorizedError('the account changed');
      if (account.tokenVersion !== command.tokenVersion) throw new UnauthorizedError(STALE_TOKEN);
      ok = await passwordHasher.verify(account.passwordHash, command.currentPassword, {
        signal: command.signal,
      });
    } catch (error) {
      // No verdict on the password: not a failure (as at log-in).
      await loginAttempts.abandoned(attempt).catch(() => undefined);
      throw error;
    }
    if (!ok) {
      await loginAttempts.failed(attempt);
      throw new UnauthorizedError('wrong current password');
    }
    await loginAttempts.succeeded(attempt, [accountFromAddress]);
    const passwordHash = await passwordHasher.hash(command.newPassword, { signal: command.signal });
    // Made only if no other change (with this token or another) came first: then this token is stale.
    const version = await uow.run((stores) =>
      stores.users.changePassword(command.actor.userId, passwordHash, command.tokenVersion),
    );
    if (version === null) throw new UnauthorizedError(STALE_TOKEN);
  }
}
