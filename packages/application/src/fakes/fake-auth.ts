import { type Role, UnauthorizedError } from '@exam-reservation/domain';
import type { IssuedToken, PasswordHasher, TokenIssuer } from '../ports/index.js';

/** Not a hash: keeps tests fast. Never use outside tests. */
export class FakePasswordHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    return `fake:${[...password].reverse().join('')}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    return hash === (await this.hash(password));
  }
}

/** Tokens of the form `token-<userId>`, each valid until revoked. */
export class FakeTokenIssuer implements TokenIssuer {
  private readonly revoked = new Set<string>();

  async issue(subject: { userId: number; role: Role }): Promise<IssuedToken> {
    return { accessToken: `token-${subject.userId}`, expiresIn: 3600 };
  }

  async verify(token: string): Promise<number> {
    const match = /^token-(\d+)$/.exec(token);
    if (!match || this.revoked.has(token)) throw new UnauthorizedError('invalid token');
    return Number(match[1]);
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }
}
