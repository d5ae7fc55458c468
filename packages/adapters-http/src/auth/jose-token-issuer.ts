import { webcrypto } from 'node:crypto';
import type { Clock, IssuedToken, TokenIssuer, TokenSubject } from '@exam-reservation/application';
import { type Role, UnauthorizedError } from '@exam-reservation/domain';
import { SignJWT } from 'jose';
import { InvalidHs256Token, verifyHs256 } from './hs256.js';

/** Settings of {@link JoseTokenIssuer}. */
export interface JoseTokenIssuerOptions {
  /** HMAC key; at least 32 bytes. */
  readonly secret: string | Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly clock: Clock;
  /**
   * How many verified tokens to remember (default 10,000; 0 turns the cache
   * off). A client sends the same token with every request until it expires,
   * and a map lookup costs less than an HMAC and two JSON parses.
   */
  readonly verifiedCacheSize?: number;
}

/** What a verified token still needs checking against the clock on every use. */
interface Verified extends TokenSubject {
  /** `exp` and `nbf` claims, seconds since the epoch. */
  readonly exp: number;
  readonly nbf: number | undefined;
}

const SUBJECT = /^[1-9]\d{0,15}$/;

/** The claim naming the account's token version the token was issued under (absent: 0). */
const VERSION_CLAIM = 'tv';

/**
 * Access tokens as HS256 JWTs: subject = user id, `tv` = the account's token
 * version (left out when 0), with issuer, audience and expiry checked on the
 * way back in. Only HS256 is accepted, so `alg: none`
 * and algorithm-confusion tokens fail verification. Signed by jose; verified
 * by {@link verifyHs256}, which jose's `jwtVerify` is tested against.
 */
export class JoseTokenIssuer implements TokenIssuer {
  private readonly key: Uint8Array;
  /** Imported once, for signing: importing the raw secret costs more than the HMAC itself. */
  private cryptoKey: Promise<webcrypto.CryptoKey> | undefined;
  /**
   * Tokens whose signature, algorithm, issuer, audience and subject were
   * verified, keyed by the whole token text: the same text always verifies
   * the same way. Only the time claims can change their answer, so they are
   * checked again on every use, as jose checks them. Oldest first (a Map
   * keeps insertion order), bounded; failures are never remembered.
   */
  private readonly verified = new Map<string, Verified>();
  private readonly cacheSize: number;

  constructor(private readonly options: JoseTokenIssuerOptions) {
    this.key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (this.key.byteLength < 32) throw new RangeError('the JWT secret must be at least 32 bytes');
    if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
      throw new RangeError('the token lifetime must be a positive number of seconds');
    }
    this.cacheSize = options.verifiedCacheSize ?? 10_000;
    if (!Number.isSafeInteger(this.cacheSize) || this.cacheSize < 0) {
      throw new RangeError('the verified-token cache size must be a whole number ≥ 0');
    }
  }

  private signingKey(): Promise<webcrypto.CryptoKey> {
    this.cryptoKey ??= webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return this.cryptoKey;
  }

  async issue(subject: { userId: number; role: Role; tokenVersion?: number }): Promise<IssuedToken> {
    const now = Math.floor(this.options.clock.now() / 1000);
    const version = subject.tokenVersion ?? 0;
    // The role claim is informative for clients only; the API reads the role from the store.
    // The version is checked against the store's on every request (Authenticate).
    const claims = version === 0 ? { role: subject.role } : { role: subject.role, [VERSION_CLAIM]: version };
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(subject.userId))
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.ttlSeconds)
      .sign(await this.signingKey());
    return { accessToken, expiresIn: this.options.ttlSeconds };
  }

  async verify(token: string): Promise<TokenSubject> {
    const now = this.options.clock.now();
    const known = this.verified.get(token);
    if (known !== undefined) {
      const seconds = Math.floor(now / 1000);
      // jose's rules with no clock tolerance: expired once exp <= now, not valid before nbf.
      if (known.exp <= seconds) {
        this.verified.delete(token);
        throw new UnauthorizedError('invalid or expired token');
      }
      if (known.nbf !== undefined && known.nbf > seconds)
        throw new UnauthorizedError('invalid or expired token');
      return { userId: known.userId, tokenVersion: known.tokenVersion };
    }
    let claims: Record<string, unknown>;
    try {
      claims = verifyHs256(token, this.key, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        now,
      });
    } catch (error) {
      if (error instanceof InvalidHs256Token) throw new UnauthorizedError('invalid or expired token');
      throw error;
    }
    const subject = claims.sub;
    // A JSON number would pass a regular expression as its text; only a string names a user.
    if (typeof subject !== 'string' || !SUBJECT.test(subject))
      throw new UnauthorizedError('invalid token subject');
    const version = claims[VERSION_CLAIM] ?? 0;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
      throw new UnauthorizedError('invalid token version');
    const verified: Verified = {
      userId: Number(subject),
      tokenVersion: version,
      exp: claims.exp as number,
      nbf: claims.nbf as number | undefined,
    };
    this.remember(token, verified);
    return { userId: verified.userId, tokenVersion: verified.tokenVersion };
  }

  private remember(token: string, verified: Verified): void {
    if (this.cacheSize === 0) return;
    if (this.verified.size >= this.cacheSize) {
      // Evict the oldest entry (first in insertion order).
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, verified);
  }
}
