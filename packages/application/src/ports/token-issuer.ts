import type { Role } from '@exam-reservation/domain';

export interface IssuedToken {
  readonly accessToken: string;
  /** seconds */
  readonly expiresIn: number;
}

export interface TokenIssuer {
  issue(subject: { userId: number; role: Role }): Promise<IssuedToken>;
  /**
   * @returns the user id the token was issued to
   * @throws UnauthorizedError for a missing, malformed, expired or forged token
   */
  verify(token: string): Promise<number>;
}
