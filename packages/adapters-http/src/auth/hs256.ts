import { createHmac, timingSafeEqual } from 'node:crypto';

/** What {@link verifyHs256} checks besides the signature. */
export interface Hs256Checks {
  readonly issuer: string;
  readonly audience: string;
  /** The current time, ms since the epoch. */
  readonly now: number;
}

/** A token {@link verifyHs256} refuses; the reason is for tests and logs, never for the client. */
export class InvalidHs256Token extends Error {}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a compact HS256 JWT with a synchronous `node:crypto` HMAC, checking
 * what jose's `jwtVerify` checks for this service (algorithm HS256 only; `iss`,
 * `aud`, `exp` and `sub` required; `nbf`, `iat` typed; no clock tolerance).
 * jose checks the HMAC through WebCrypto, which costs several times the CPU,
 * and every candidate's first request in a rush pays it (BENCHMARKS.md).
 *
 * It accepts a strict subset of what jose accepts: each part must be
 * canonical unpadded base64url, and a `crit` header is refused (this
 * service issues neither). `hs256.test.ts` holds the two to the same answer.
 *
 * @returns the claims set
 * @throws InvalidHs256Token
 */
export function verifyHs256(token: string, key: Uint8Array, checks: Hs256Checks): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidHs256Token('not three parts');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  if (!Number.isFinite(checks.now)) throw new TypeError('the current time must be a finite number');
  const header = jsonObject(canonical(encodedHeader, 'header'), 'header');
  if (header.crit !== undefined) throw new InvalidHs256Token('crit is not supported');
  if (header.alg !== 'HS256') throw new InvalidHs256Token('algorithm not allowed');
  const payload = canonical(encodedPayload, 'claims set');
  const signature = canonical(encodedSignature, 'signature');
  const expected = createHmac('sha256', key).update(`${encodedHeader}.${encodedPayload}`).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new InvalidHs256Token('signature verification failed');
  }
  const claims = jsonObject(payload, 'claims set');
  for (const claim of ['exp', 'sub', 'aud', 'iss']) {
    if (!Object.hasOwn(claims, claim)) throw new InvalidHs256Token(`missing ${claim}`);
  }
  if (claims.iss !== checks.issuer) throw new InvalidHs256Token('unexpected iss');
  const aud = claims.aud;
  if (!(aud === checks.audience || (Array.isArray(aud) && aud.includes(checks.audience)))) {
    throw new InvalidHs256Token('unexpected aud');
  }
  const now = Math.floor(checks.now / 1000);
  if (claims.iat !== undefined && typeof claims.iat !== 'number')
    throw new InvalidHs256Token('iat not a number');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) {
    throw new InvalidHs256Token('not valid yet');
  }
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new InvalidHs256Token('expired');
  return claims;
}

/** The bytes of a part written as canonical unpadded base64url (one text per byte string). */
function canonical(part: string, what: string): Buffer {
  const bytes = BASE64URL.test(part) ? Buffer.from(part, 'base64url') : undefined;
  if (bytes === undefined || bytes.toString('base64url') !== part) {
    throw new InvalidHs256Token(`${what} is not canonical base64url`);
  }
  return bytes;
}

/** The bytes of a part as a JSON object in strict UTF-8, as jose reads the header and the claims set. */
function jsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new InvalidHs256Token(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidHs256Token(`${what} is not an object`);
  }
  return value as Record<string, unknown>;
}
