/**
 * Values as the fuzz suite writes them onto the wire: JSON the generators
 * spell out themselves, values filled in only when a request is sent, and
 * percent-encoding that lets malformed text through.
 */

/** A JSON text fragment written as it is (numbers `JSON.stringify` cannot write, such as `1e400`). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JSON object as ordered entries, so keys such as `__proto__` and repeated keys survive. */
export class JsonEntries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

/** A value filled in when the request is sent (an existing id, a fresh e-mail). */
export class Late {
  constructor(
    readonly describe: string,
    readonly resolve: (ctx: LateContext) => unknown,
  ) {}
}

/** What {@link Late} values may look at when the request is sent. */
export interface LateContext {
  /** An id from the reservations made so far (`n` picks one), or a fallback when none exist. */
  reservationId(n: number): number;
  /** A fresh e-mail address no account has yet. */
  freshEmail(): string;
  /** The e-mail of an account that exists. */
  knownEmail(n: number): string;
}

/** Replaces every {@link Late} inside `value`. */
export function resolveLate(value: unknown, ctx: LateContext): unknown {
  if (value instanceof Late) return resolveLate(value.resolve(ctx), ctx);
  if (value instanceof JsonEntries) {
    return new JsonEntries(value.entries.map(([k, v]) => [k, resolveLate(v, ctx)] as const));
  }
  if (Array.isArray(value)) return value.map((v) => resolveLate(v, ctx));
  return value;
}

/** JSON text of `value`, writing {@link RawJson} verbatim and {@link JsonEntries} in order. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof JsonEntries) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return toJsonText(new JsonEntries(Object.entries(value)));
  }
  // JSON.stringify writes lone surrogates as \udXXX escapes (well-formed JSON.stringify).
  return JSON.stringify(value) ?? 'null';
}

/**
 * Percent-encodes every character but the unreserved ones, as UTF-8. A lone
 * surrogate (which `encodeURIComponent` refuses) is written as the three
 * bytes a naive encoder would emit (WTF-8), which are not valid UTF-8.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(char)) {
      out += char;
      continue;
    }
    const cp = char.codePointAt(0)!;
    const bytes =
      cp >= 0xd800 && cp <= 0xdfff
        ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
        : [...Buffer.from(char, 'utf8')];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}
