import type { Role } from '@exam-reservation/domain';

export interface IssuedToken {
  readonly accessToken: string;
  /** seconds */
  readonly expiresIn: number;
}

/** Who a verified token was issued to, and under which token version of the account. */
export interface TokenSubject {
  readonly userId: number;
  /** The account's token version when the token was issued; 0 for a token that does not say. */
  readonly tokenVersion: number;
}

export interface TokenIssuer {
  /** @param subject `tokenVersion` is the account's now (0 when absent) */
  issue(subject: { userId: number; role: Role; tokenVersion?: number }): Promise<IssuedToken>;
  /**
   * @returns the user id the token was issued to, and the token version it carries
   * @throws UnauthorizedError for a missing, malformed, expired or forged token
   */
  verify(token: string): Promise<TokenSubject>;
}
