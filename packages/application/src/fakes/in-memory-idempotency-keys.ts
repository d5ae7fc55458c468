import type {
  IdempotencyClaim,
  IdempotencyKeys,
  IdempotencyRecord,
  IdempotencyScope,
} from '../ports/index.js';
import type { State } from './in-memory-state.js';

const scopeKey = (scope: IdempotencyScope): string => `${scope.userId}\u0000${scope.key}`;

/** Units of work run one at a time here, so every claim is held. */
export class InMemoryIdempotencyKeys implements IdempotencyKeys {
  constructor(private readonly state: State) {}

  async claim(scopes: readonly IdempotencyScope[], now: number): Promise<IdempotencyClaim[]> {
    return scopes.map((scope) => {
      const record = this.state.idempotency.get(scopeKey(scope));
      return { held: true, record: record && record.expiresAt > now ? record : null };
    });
  }

  async complete(
    scope: IdempotencyScope,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    this.state.idempotency.set(scopeKey(scope), record);
  }

  async start(
    scope: IdempotencyScope,
    run: { fingerprint: string; leaseUntil: number; expiresAt: number },
  ): Promise<string> {
    const token = `run-${this.state.nextToken++}`;
    this.state.idempotency.set(scopeKey(scope), { state: 'running', token, ...run });
    return token;
  }

  async finish(
    scope: IdempotencyScope,
    token: string,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    const current = this.state.idempotency.get(scopeKey(scope));
    if (current?.state === 'running' && current.token === token)
      this.state.idempotency.set(scopeKey(scope), record);
  }

  async renew(scope: IdempotencyScope, token: string, leaseUntil: number): Promise<void> {
    const record = this.state.idempotency.get(scopeKey(scope));
    if (record?.state === 'running' && record.token === token) {
      this.state.idempotency.set(scopeKey(scope), { ...record, leaseUntil });
    }
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    const record = this.state.idempotency.get(scopeKey(scope));
    if (record?.state === 'running' && record.token === token) this.state.idempotency.delete(scopeKey(scope));
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    let deleted = 0;
    for (const [key, record] of this.state.idempotency) {
      if (deleted >= limit) break;
      if (record.expiresAt > now) continue;
      this.state.idempotency.delete(key);
      deleted++;
    }
    return deleted;
  }
}
