/** Authorization headers, valid and hostile, signed here so every byte of a token is chosen. */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { Credentials, Identity, Mutation } from './draft.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT over `claims` (no library: every byte is ours to choose). */
export function signJwt(
  claims: Record<string, unknown>,
  secret: string,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${b64(header)}.${b64(claims)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Authorization header values, each with whether it carries valid credentials. */
export function authProbes(credentials: Credentials): fc.Arbitrary<Mutation> {
  const { jwtSecret, now, tokens } = credentials;
  const iat = Math.floor(now / 1000);
  const claims = (extra: Record<string, unknown>) => ({
    iss: 'exam-reservation',
    aud: 'exam-reservation-api',
    iat,
    exp: iat + 3600,
    ...extra,
  });
  const withSub = (sub: unknown) => `Bearer ${signJwt(claims({ sub }), jwtSecret)}`;
  const bad: [string, string | undefined][] = [
    ['no Authorization', undefined],
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['Basic', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['token without scheme', tokens.user],
    ['tampered signature', `Bearer ${tokens.user.slice(0, -2)}xx`],
    ['trailing junk', `Bearer ${tokens.user} junk`],
    ['three dots', 'Bearer a.b.c'],
    ['8 KB token', `Bearer ${'A'.repeat(8000)}`],
    ['20 KB token', `Bearer ${'A'.repeat(20_000)}`],
    ['latin1 in token', 'Bearer ÿÿÿ.ÿÿÿ.ÿÿÿ'],
    ['null', 'Bearer null'],
    ['sub "0"', withSub('0')],
    ['sub "-1"', withSub('-1')],
    ['sub "99999999999"', withSub('99999999999')],
    ['sub "9999999999999999"', withSub('9999999999999999')],
    ['sub "2147483648"', withSub('2147483648')],
    ['sub "1e3"', withSub('1e3')],
    ['sub "01"', withSub('01')],
    ['sub " 1"', withSub(' 1')],
    ['sub "abc"', withSub('abc')],
    ['sub ""', withSub('')],
    ['sub number 1', withSub(1)],
    ['sub of nobody', withSub('424242')],
    ['no sub', `Bearer ${signJwt(claims({}), jwtSecret)}`],
    ['expired', `Bearer ${signJwt(claims({ sub: '1', iat: iat - 7200, exp: iat - 3600 }), jwtSecret)}`],
    ['not yet valid', `Bearer ${signJwt(claims({ sub: '1', nbf: iat + 3600 }), jwtSecret)}`],
    ['wrong audience', `Bearer ${signJwt(claims({ sub: '1', aud: 'someone-else' }), jwtSecret)}`],
    ['wrong issuer', `Bearer ${signJwt(claims({ sub: '1', iss: 'someone-else' }), jwtSecret)}`],
    ['wrong key', `Bearer ${signJwt(claims({ sub: '1' }), 'another-secret-another-secret-another')}`],
    ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims({ sub: '1' }))}.`],
    ['HS512 header', `Bearer ${signJwt(claims({ sub: '1' }), jwtSecret, { alg: 'HS512', typ: 'JWT' })}`],
  ];
  const good: [string, string, Identity][] = [
    ['lower-case scheme', `bearer ${tokens.user}`, 'user'],
    ['two spaces', `Bearer  ${tokens.admin}`, 'admin'],
  ];
  return fc.oneof(
    fc.constantFrom(...bad).map(([label, value]): Mutation => ({ kind: 'auth', label, value, as: 'anon' })),
    fc.constantFrom(...good).map(([label, value, as]): Mutation => ({ kind: 'auth', label, value, as })),
  );
}
