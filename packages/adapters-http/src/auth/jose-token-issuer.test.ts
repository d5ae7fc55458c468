import { FixedClock } from '@exam-reservation/application';
import { UnauthorizedError } from '@exam-reservation/domain';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JoseTokenIssuer } from './jose-token-issuer.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes';
const clock = new FixedClock(Date.parse('2026-11-20T00:00:00Z'));
const issuer = new JoseTokenIssuer({ secret: SECRET, issuer: 'iss', audience: 'aud', ttlSeconds: 60, clock });
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(clock.now() / 1000);

describe('JoseTokenIssuer', () => {
  it('round-trips the user id and reports the lifetime', async () => {
    const token = await issuer.issue({ userId: 42, role: 'admin' });
    expect(token.expiresIn).toBe(60);
    await expect(issuer.verify(token.accessToken)).resolves.toBe(42);
  });

  it('refuses a token after its expiry', async () => {
    const { accessToken } = await issuer.issue({ userId: 1, role: 'user' });
    const later = new JoseTokenIssuer({
      secret: SECRET,
      issuer: 'iss',
      audience: 'aud',
      ttlSeconds: 60,
      clock: new FixedClock(clock.now() + 61_000),
    });
    await expect(later.verify(accessToken)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it.each([
    ['another issuer', (t: SignJWT) => t.setIssuer('evil').setAudience('aud')],
    ['another audience', (t: SignJWT) => t.setIssuer('iss').setAudience('other')],
    ['no expiry', (t: SignJWT) => t.setIssuer('iss').setAudience('aud')],
  ])('refuses a token with %s', async (_label, shape) => {
    let token = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('1').setIssuedAt(now());
    token = shape(token);
    if (_label !== 'no expiry') token = token.setExpirationTime(now() + 60);
    await expect(issuer.verify(await token.sign(key))).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses HS512 even with the right key, and a non-numeric subject', async () => {
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('1')
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(now() + 60)
      .sign(key);
    await expect(issuer.verify(hs512)).rejects.toBeInstanceOf(UnauthorizedError);
    const named = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(now() + 60)
      .sign(key);
    await expect(issuer.verify(named)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it.each(['', 'garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.'])('refuses %j', async (token) => {
    await expect(issuer.verify(token)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(
      () => new JoseTokenIssuer({ secret: 'short', issuer: 'i', audience: 'a', ttlSeconds: 60, clock }),
    ).toThrow(RangeError);
  });
});
