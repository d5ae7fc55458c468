import { type Role, UnauthorizedError } from '@exam-reservation/domain';
import type { IssuedToken, PasswordHasher, TokenIssuer, TokenSubject } from '../ports/index.js';

/** Not a hash: keeps tests fast. Never use outside tests. */
export class FakePasswordHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    return `fake:${[...password].reverse().join('')}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    return hash === (await this.hash(password));
  }
}

/** Tokens of the form `token-<userId>` (`token-<userId>-v<n>` for token version n > 0), each valid until revoked. */
export class FakeTokenIssuer implements TokenIssuer {
  private readonly revoked = new Set<string>();

  async issue(subject: { userId: number; role: Role; tokenVersion?: number }): Promise<IssuedToken> {
    const version = subject.tokenVersion ?? 0;
    return { accessToken: `token-${subject.userId}${version > 0 ? `-v${version}` : ''}`, expiresIn: 3600 };
  }

  async verify(token: string): Promise<TokenSubject> {
    const match = /^token-(\d+)(?:-v(\d+))?$/.exec(token);
    if (!match || this.revoked.has(token)) throw new UnauthorizedError('invalid token');
    return { userId: Number(match[1]), tokenVersion: Number(match[2] ?? 0) };
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }
}
