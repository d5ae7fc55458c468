/** Header values: what the contract refuses, and the bytes node:http sends. */

/**
 * Whether API.md refuses this Idempotency-Key: 1–255 visible ASCII
 * characters, bare or as a quoted structured-field string.
 */
export function refusedIdempotencyKey(sent: string): boolean {
  // HTTP drops spaces and tabs around a field value (RFC 9110, 5.5) before the API sees it.
  const text = sent.replace(/^[ \t]+|[ \t]+$/g, '');
  const bare = text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1) : text;
  return !/^[\x21-\x7e]{1,255}$/.test(bare) || (bare !== text && bare.includes('"'));
}

/** `value` as latin1 text node:http writes byte for byte (UTF-8 bytes for anything wider). */
export function headerText(value: string): string {
  return [...value].some((c) => c.charCodeAt(0) > 0xff)
    ? Buffer.from(value, 'utf8').toString('latin1')
    : value;
}
