import { webcrypto } from 'node:crypto';
import type { Clock, IssuedToken, TokenIssuer } from '@exam-reservation/application';
import { type Role, UnauthorizedError } from '@exam-reservation/domain';
import { errors, jwtVerify, SignJWT } from 'jose';

/** Settings of {@link JoseTokenIssuer}. */
export interface JoseTokenIssuerOptions {
  /** HMAC key; at least 32 bytes. */
  readonly secret: string | Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly clock: Clock;
}

const SUBJECT = /^[1-9]\d{0,15}$/;

/**
 * Access tokens as HS256 JWTs: subject = user id, with issuer, audience and
 * expiry checked on the way back in. Only HS256 is accepted, so `alg: none`
 * and algorithm-confusion tokens fail verification.
 */
export class JoseTokenIssuer implements TokenIssuer {
  private readonly key: Uint8Array;
  /** Imported once: importing the raw secret on every verify costs more than the HMAC itself. */
  private cryptoKey: Promise<webcrypto.CryptoKey> | undefined;

  constructor(private readonly options: JoseTokenIssuerOptions) {
    this.key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (this.key.byteLength < 32) throw new RangeError('the JWT secret must be at least 32 bytes');
    if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
      throw new RangeError('the token lifetime must be a positive number of seconds');
    }
  }

  private signingKey(): Promise<webcrypto.CryptoKey> {
    this.cryptoKey ??= webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    return this.cryptoKey;
  }

  async issue(subject: { userId: number; role: Role }): Promise<IssuedToken> {
    const now = Math.floor(this.options.clock.now() / 1000);
    // The role claim is informative for clients only; the API reads the role from the store.
    const accessToken = await new SignJWT({ role: subject.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(subject.userId))
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.ttlSeconds)
      .sign(await this.signingKey());
    return { accessToken, expiresIn: this.options.ttlSeconds };
  }

  async verify(token: string): Promise<number> {
    let subject: string | undefined;
    try {
      const { payload } = await jwtVerify(token, await this.signingKey(), {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        currentDate: new Date(this.options.clock.now()),
        requiredClaims: ['exp', 'sub'],
      });
      subject = payload.sub;
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new UnauthorizedError('invalid or expired token');
      throw error;
    }
    if (subject === undefined || !SUBJECT.test(subject)) throw new UnauthorizedError('invalid token subject');
    return Number(subject);
  }
}
