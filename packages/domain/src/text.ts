/** C0 and C1 control characters, DEL included (Unicode category Cc). */
const CONTROL = /\p{Cc}/u;
/** A UTF-16 surrogate that is not half of a pair: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Nothing visible: white space and invisible format characters (zero-width space, BOM, …) only. */
const BLANK = /^[\s\p{Cf}]*$/u;

/**
 * Whether `text` can be stored and shown back exactly as sent: no unpaired
 * surrogate (UTF-8 has no encoding for one; a driver would silently put
 * U+FFFD in its place) and no NUL (PostgreSQL text cannot hold it).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/**
 * What is wrong with a name-like text (a reservation's or a user's name), or
 * `null`: it must be 1–`maxLength` characters (code points), storable, free of
 * control characters, and more than white space.
 */
export function textProblem(text: unknown, maxLength: number): string | null {
  if (typeof text !== 'string') return 'must be a string';
  if (!isStorableText(text)) return 'must not contain NUL or unpaired surrogate characters';
  if (CONTROL.test(text)) return 'must not contain control characters';
  if (BLANK.test(text)) return 'must not be empty or only white space';
  // Counted in code points, as people count characters; the check above leaves no lone surrogates.
  let length = 0;
  for (const _ of text) if (++length > maxLength) break;
  if (length > maxLength) return `must be 1–${maxLength} characters`;
  return null;
}
