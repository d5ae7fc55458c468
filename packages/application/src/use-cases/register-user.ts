import {
  ConflictError,
  normalizeEmail,
  RateLimitedError,
  type User,
  validateRegistration,
} from '@exam-reservation/domain';
import type { Clock, LoginAttempts, PasswordHasher, UnitOfWork } from '../ports/index.js';

export interface RegisterUserCommand {
  readonly email: string;
  readonly password: string;
  readonly userName: string;
  /** What the caller asked for; only `user` is allowed. */
  readonly role?: string | undefined;
  /** Where the request came from, for the per-address limit (an IPv6 client by its /64). */
  readonly address: string;
  /** Aborted when the client went away: a password still waiting to be hashed is not. */
  readonly signal?: AbortSignal | undefined;
}

/** The contract's limit: 20 new accounts per client address per hour. */
export const DEFAULT_REGISTRATIONS_PER_ADDRESS = { max: 20, windowMs: 3_600_000 } as const;

// The log-in attempts' store words its refusal for failed log-ins; these registrations all succeeded.
const TOO_MANY = 'too many accounts registered from this address, try again later';

/**
 * Self-registration of a candidate account, at most `perAddress.max` per
 * client address within `perAddress.windowMs`.
 *
 * The password is hashed first: the hashing queue sheds a crowd in memory,
 * so a registration it refuses costs no database work. Then the check and
 * the count are one atomic step (the log-in attempts' store, under a key of
 * its own), before the account is written. The count stays when it created
 * an account, and when the e-mail was taken (that tells whether an e-mail is
 * registered); it is taken back when the store failed. Invalid input, a
 * refusal of the hashing queue and a client gone while waiting for it are
 * never counted.
 */
export class RegisterUser {
  private readonly perAddress: { readonly max: number; readonly windowMs: number };

  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      passwordHasher: PasswordHasher;
      loginAttempts: LoginAttempts;
      perAddress?: { readonly max: number; readonly windowMs: number } | undefined;
    },
  ) {
    this.perAddress = deps.perAddress ?? DEFAULT_REGISTRATIONS_PER_ADDRESS;
  }

  /** @throws ForbiddenError (admin role) | ValidationError | RateLimitedError | ConflictError (e-mail taken) | OverloadedError */
  async execute(command: RegisterUserCommand): Promise<User> {
    validateRegistration(command);
    const { uow, clock, passwordHasher, loginAttempts } = this.deps;
    const passwordHash = await passwordHasher.hash(command.password, { signal: command.signal });
    const limit = {
      key: `registration:${command.address}`,
      maxFailures: this.perAddress.max,
      windowMs: this.perAddress.windowMs,
    };
    const counted = await loginAttempts.begin([limit], clock.now()).catch((error: unknown) => {
      throw error instanceof RateLimitedError
        ? new RateLimitedError(error.retryAfterSeconds, TOO_MANY)
        : error;
    });
    // Full only of registrations still under way: they may yet be taken back.
    if (!counted) throw new RateLimitedError(1, TOO_MANY);
    let user: User;
    try {
      user = await uow.run((stores) =>
        stores.users.insert({
          email: normalizeEmail(command.email),
          // Stored as sent: the rules refuse what cannot be kept exactly.
          userName: command.userName,
          passwordHash,
          role: 'user',
          createdAt: clock.now(),
        }),
      );
    } catch (error) {
      // Should this step fail, the count stays, undecided, and counts after UNDECIDED_ATTEMPT_MS.
      if (error instanceof ConflictError) await loginAttempts.failed(counted).catch(() => undefined);
      else await loginAttempts.abandoned(counted).catch(() => undefined);
      throw error;
    }
    // Kept ("failed" is the store's word for a count that stays). The account exists whatever
    // happens here, so a fault here must not turn its 201 into an error.
    await loginAttempts.failed(counted).catch(() => undefined);
    return user;
  }
}
