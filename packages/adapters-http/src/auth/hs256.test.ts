import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidHs256Token, verifyHs256 } from './hs256.js';

const key = new TextEncoder().encode('a-secret-of-at-least-thirty-two-bytes');
const otherKey = new TextEncoder().encode('another-secret-of-thirty-two-bytes!!');
const NOW = Date.parse('2026-11-20T00:00:00Z');
const nowSeconds = NOW / 1000;
const checks = { issuer: 'iss', audience: 'aud', now: NOW };

/** The plain path: jose's jwtVerify with the options the issuer used to pass it. */
async function byJose(token: string, now = NOW): Promise<{ ok: unknown } | { failed: true }> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: 'iss',
      audience: 'aud',
      currentDate: new Date(now),
      requiredClaims: ['exp', 'sub'],
    });
    return { ok: payload };
  } catch {
    return { failed: true };
  }
}

function byNodeCrypto(token: string, now = NOW): { ok: unknown } | { failed: true } {
  try {
    return { ok: verifyHs256(token, key, { ...checks, now }) };
  } catch (error) {
    if (!(error instanceof InvalidHs256Token)) throw error;
    return { failed: true };
  }
}

const part = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const json = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));
const sign = (signingInput: string, with_ = key) =>
  createHmac('sha256', with_).update(signingInput).digest('base64url');

/** The subset the fast path promises: canonical unpadded base64url parts, and no `crit` header. */
function inSubset(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  if (
    !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p) && Buffer.from(p, 'base64url').toString('base64url') === p)
  )
    return false;
  // Decoded as jose decodes it (TextDecoder drops a byte-order mark).
  const header = JSON.parse(new TextDecoder().decode(Buffer.from(parts[0]!, 'base64url'))) as Record<
    string,
    unknown
  >;
  return header.crit === undefined;
}

/** Mostly `usual`, sometimes one of `odd` (undefined: the key is left out). */
const mostly = (usual: unknown, ...odd: unknown[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
const around = fc.integer({ min: -5, max: 5 }).map((d) => nowSeconds + d);
const withoutUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const headerArb = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .record({
        alg: mostly('HS256', 'HS512', 'none', 'hs256', '', 1, null, undefined),
        typ: mostly('JWT', undefined, 'at+jwt', 1),
        crit: mostly(undefined, ['b64'], ['x'], [], 'b64'),
        b64: mostly(undefined, true, false),
        kid: mostly(undefined, 'k', 1),
      })
      .map(withoutUndefined),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], 'HS256', 1, null) },
);

const claimsArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        iss: mostly('iss', 'evil', 1, ['iss'], null, undefined),
        aud: mostly('aud', ['x', 'aud'], 'other', ['x'], [1, 'aud'], 1, null, undefined),
        sub: mostly('7', 7, '', null, undefined),
        exp: fc.oneof(
          around.map((t) => t + 6),
          around,
          fc.constantFrom<unknown>('999999999999', null, 1e300, undefined),
        ),
        nbf: fc.oneof(fc.constant(undefined), around, fc.constantFrom<unknown>('0', null)),
        iat: fc.oneof(fc.constant(undefined), around, fc.constantFrom<unknown>('0', null)),
        tv: mostly(undefined, 0, 3, '1'),
        extra: fc.option(fc.string(), { nil: undefined }),
      })
      .map(withoutUndefined),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], 'text', 1, null) },
);

/** A text change that may leave the token verifiable by a lenient decoder. */
const mutationArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('none') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'pad',
      'space',
      'last-bits',
      'plus',
      'extra-part',
      'drop-part',
      'bad-utf8-header',
      'bom-header',
      'wrong-key',
      'pad-claims',
      'spare-bits-header',
      'non-ascii-claims',
    ),
  },
);

/** A character that base64url decoders differ on: `c` with its lowest bit flipped. */
const flipped = (c: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return alphabet[alphabet.indexOf(c) ^ 1]!;
};

function tokenOf(header: unknown, claims: unknown, mutation: string): string {
  let h = part(json(header));
  let p = part(json(claims));
  // Changes to the header or the claims are signed, as an attacker with the key could.
  if (mutation === 'pad-claims') p = `${p}=`;
  if (mutation === 'non-ascii-claims') p = `${p}é`;
  if (mutation === 'spare-bits-header' && h.length % 4 !== 0) h = `${h.slice(0, -1)}${flipped(h.at(-1)!)}`;
  if (mutation === 'bad-utf8-header')
    h = part(Buffer.concat([Buffer.from(json(header)), Buffer.from([0xff])]));
  if (mutation === 'bom-header')
    h = part(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json(header))]));
  const s = sign(`${h}.${p}`, mutation === 'wrong-key' ? otherKey : key);
  switch (mutation) {
    case 'pad':
      return `${h}.${p}.${s}=`;
    case 'space':
      return `${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`;
    case 'last-bits':
      // 43 characters carry 258 bits: the last one's two low bits are not part of the 32 bytes.
      return `${h}.${p}.${s.slice(0, -1)}${flipped(s.at(-1)!)}`;
    case 'plus':
      return `${h}.${p}.+${s.slice(1)}`;
    case 'extra-part':
      return `${h}.${p}.${s}.`;
    case 'drop-part':
      return `${h}.${s}`;
    default:
      return `${h}.${p}.${s}`;
  }
}

describe('verifyHs256 (node:crypto) against jose jwtVerify', () => {
  it('agrees with jose on every token in its subset, and accepts nothing jose refuses', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        headerArb,
        claimsArb,
        mutationArb,
        fc.integer({ min: 0, max: 999 }),
        async (header, claims, mutation, ms) => {
          const token = tokenOf(header, claims, mutation);
          // Any millisecond of the second: both round the current time down to whole seconds.
          const plain = await byJose(token, NOW + ms);
          const fast = byNodeCrypto(token, NOW + ms);
          if ('ok' in fast) {
            accepted++;
            expect(plain).toEqual(fast);
          } else if ('ok' in plain) {
            // jose may take a text outside the subset (padding, spare bits, crit); never one inside it.
            expect(inSubset(token)).toBe(false);
          }
        },
      ),
      { numRuns: 3_000 },
    );
    // The generator reaches tokens that verify, or the property says little.
    expect(accepted).toBeGreaterThan(20);
  });

  it('accepts what the issuer signs with jose', async () => {
    const token = await new SignJWT({ role: 'user', tv: 2 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('42')
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 60)
      .sign(key);
    expect(verifyHs256(token, key, checks)).toMatchObject({ sub: '42', tv: 2, exp: nowSeconds + 60 });
    expect(await byJose(token)).toEqual(byNodeCrypto(token));
  });

  it.each([
    [
      'alg none, no signature',
      `${part('{"alg":"none"}')}.${part(json({ sub: '1', iss: 'iss', aud: 'aud', exp: nowSeconds + 9 }))}.`,
    ],
    ['an empty token', ''],
    ['two dots only', '..'],
  ])('refuses %s', (_, token) => {
    expect(() => verifyHs256(token, key, checks)).toThrow(InvalidHs256Token);
  });

  it.each([
    ['a repeated claim (the last one counts)', '{"sub":"1","iss":"evil","iss":"iss","aud":"aud","exp":EXP}'],
    ['an issuer only in __proto__', '{"__proto__":{"iss":"iss"},"sub":"1","aud":"aud","exp":EXP}'],
    ['a __proto__ claim beside the others', '{"sub":"1","iss":"iss","aud":"aud","exp":EXP,"__proto__":null}'],
    ['an expiry in a string', '{"sub":"1","iss":"iss","aud":"aud","exp":"EXP"}'],
  ])('answers as jose does for claims written as JSON by hand: %s', async (_, text) => {
    const h = part('{"alg":"HS256"}');
    const p = part(text.replaceAll('EXP', String(nowSeconds + 60)));
    const token = `${h}.${p}.${sign(`${h}.${p}`)}`;
    expect(byNodeCrypto(token)).toEqual(await byJose(token));
  });

  it('refuses to check against a clock that is not a number', () => {
    const token = tokenOf(
      { alg: 'HS256' },
      { sub: '1', iss: 'iss', aud: 'aud', exp: nowSeconds + 9 },
      'none',
    );
    expect(() => verifyHs256(token, key, { ...checks, now: Number.NaN })).toThrow(TypeError);
  });

  it('takes one text per token: padding, spare bits or a space in a part are refused', () => {
    const claims = { sub: '1', iss: 'iss', aud: 'aud', exp: nowSeconds + 9 };
    const good = tokenOf({ alg: 'HS256' }, claims, 'none');
    expect(verifyHs256(good, key, checks)).toEqual(claims);
    for (const mutation of ['pad', 'last-bits', 'space', 'plus']) {
      expect(() => verifyHs256(tokenOf({ alg: 'HS256' }, claims, mutation), key, checks)).toThrow(
        InvalidHs256Token,
      );
    }
  });

  it('refuses a token signed with the right key under HS512 (algorithm confusion)', () => {
    const h = part('{"alg":"HS512"}');
    const p = part(json({ sub: '1', iss: 'iss', aud: 'aud', exp: nowSeconds + 9 }));
    const s = createHmac('sha512', key).update(`${h}.${p}`).digest('base64url');
    expect(() => verifyHs256(`${h}.${p}.${s}`, key, checks)).toThrow(InvalidHs256Token);
  });
});
