import { FixedClock } from '@exam-reservation/application/testing';
import { UnauthorizedError } from '@exam-reservation/domain';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyHs256 } from './hs256.js';
import { JoseTokenIssuer } from './jose-token-issuer.js';

// Counts the HMAC checks (each verification of a token not remembered is one call).
vi.mock('./hs256.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./hs256.js')>();
  return { ...original, verifyHs256: vi.fn(original.verifyHs256) };
});

const SECRET = 'a-secret-of-at-least-thirty-two-bytes';
const clock = new FixedClock(Date.parse('2026-11-20T00:00:00Z'));
const issuer = new JoseTokenIssuer({ secret: SECRET, issuer: 'iss', audience: 'aud', ttlSeconds: 60, clock });
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(clock.now() / 1000);

describe('JoseTokenIssuer', () => {
  it('round-trips the user id and reports the lifetime', async () => {
    const token = await issuer.issue({ userId: 42, role: 'admin' });
    expect(token.expiresIn).toBe(60);
    await expect(issuer.verify(token.accessToken)).resolves.toEqual({ userId: 42, tokenVersion: 0 });
  });

  it('carries the token version (a token without one is version 0), from the cache too', async () => {
    const token = await issuer.issue({ userId: 42, role: 'user', tokenVersion: 3 });
    await expect(issuer.verify(token.accessToken)).resolves.toEqual({ userId: 42, tokenVersion: 3 });
    await expect(issuer.verify(token.accessToken)).resolves.toEqual({ userId: 42, tokenVersion: 3 });
    const bare = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('7')
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(now() + 60)
      .sign(key);
    await expect(issuer.verify(bare)).resolves.toEqual({ userId: 7, tokenVersion: 0 });
  });

  it.each([['1'], [-1], [1.5]])('refuses a token version of %j', async (tv) => {
    const token = await new SignJWT({ tv })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('7')
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(now() + 60)
      .sign(key);
    await expect(issuer.verify(token)).rejects.toBeInstanceOf(UnauthorizedError);
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

  describe('verified-token cache', () => {
    afterEach(() => vi.restoreAllMocks());
    const make = (c: FixedClock, verifiedCacheSize?: number) =>
      new JoseTokenIssuer({
        secret: SECRET,
        issuer: 'iss',
        audience: 'aud',
        ttlSeconds: 60,
        clock: c,
        verifiedCacheSize,
      });

    it('checks the HMAC of a token once, then answers from memory', async () => {
      const subject = make(new FixedClock(clock.now()));
      const { accessToken } = await subject.issue({ userId: 7, role: 'user' });
      const hmac = vi.mocked(verifyHs256);
      hmac.mockClear();
      await expect(subject.verify(accessToken)).resolves.toEqual({ userId: 7, tokenVersion: 0 });
      await expect(subject.verify(accessToken)).resolves.toEqual({ userId: 7, tokenVersion: 0 });
      expect(hmac).toHaveBeenCalledTimes(1);
    });

    it('still refuses a remembered token once it expires', async () => {
      const c = new FixedClock(clock.now());
      const subject = make(c);
      const { accessToken } = await subject.issue({ userId: 7, role: 'user' });
      await expect(subject.verify(accessToken)).resolves.toEqual({ userId: 7, tokenVersion: 0 });
      c.advance(59_000);
      await expect(subject.verify(accessToken)).resolves.toEqual({ userId: 7, tokenVersion: 0 });
      c.advance(1_000); // exp == now: expired, as jose decides
      await expect(subject.verify(accessToken)).rejects.toBeInstanceOf(UnauthorizedError);
      c.set(clock.now()); // and it was forgotten: a clock set back must verify it afresh
      const hmac = vi.mocked(verifyHs256);
      hmac.mockClear();
      await expect(subject.verify(accessToken)).resolves.toEqual({ userId: 7, tokenVersion: 0 });
      expect(hmac).toHaveBeenCalledTimes(1);
    });

    it('refuses a token before its nbf, even after it was verified', async () => {
      const c = new FixedClock(clock.now());
      const subject = make(c);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('3')
        .setIssuer('iss')
        .setAudience('aud')
        .setNotBefore(now() + 10)
        .setExpirationTime(now() + 60)
        .sign(key);
      await expect(subject.verify(token)).rejects.toBeInstanceOf(UnauthorizedError);
      c.advance(10_000);
      await expect(subject.verify(token)).resolves.toEqual({ userId: 3, tokenVersion: 0 });
      c.advance(-1_000);
      await expect(subject.verify(token)).rejects.toBeInstanceOf(UnauthorizedError);
    });

    it('never lets a tampered copy of a remembered token through', async () => {
      const subject = make(new FixedClock(clock.now()));
      const { accessToken } = await subject.issue({ userId: 7, role: 'user' });
      await subject.verify(accessToken);
      const last = accessToken.at(-2) === 'A' ? 'B' : 'A';
      const tampered = `${accessToken.slice(0, -2)}${last}${accessToken.at(-1)}`;
      await expect(subject.verify(tampered)).rejects.toBeInstanceOf(UnauthorizedError);
      const [header, , signature] = accessToken.split('.');
      const otherPayload = Buffer.from(
        JSON.stringify({ sub: '1', iss: 'iss', aud: 'aud', exp: now() + 60 }),
      ).toString('base64url');
      await expect(subject.verify(`${header}.${otherPayload}.${signature}`)).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
    });

    it('keeps at most verifiedCacheSize tokens, and none with 0', async () => {
      const c = new FixedClock(clock.now());
      const one = make(c, 1);
      const a = (await one.issue({ userId: 1, role: 'user' })).accessToken;
      const b = (await one.issue({ userId: 2, role: 'user' })).accessToken;
      const hmac = vi.mocked(verifyHs256);
      hmac.mockClear();
      await one.verify(a);
      await one.verify(b); // evicts a
      await one.verify(b);
      await one.verify(a);
      expect(hmac).toHaveBeenCalledTimes(3);
      hmac.mockClear();
      const none = make(c, 0);
      await none.verify(a);
      await none.verify(a);
      expect(hmac).toHaveBeenCalledTimes(2);
      expect(() => make(c, -1)).toThrow(RangeError);
    });
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(
      () => new JoseTokenIssuer({ secret: 'short', issuer: 'i', audience: 'a', ttlSeconds: 60, clock }),
    ).toThrow(RangeError);
  });
});
