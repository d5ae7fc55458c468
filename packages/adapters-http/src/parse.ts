import { type FieldError, parseRequestTime, ValidationError } from '@exam-reservation/domain';
import type { z } from 'zod';

function toFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // Name each unknown field, so clients see which one to drop.
      for (const key of issue.keys)
        out.push({ path: path ? `${path}.${key}` : key, message: 'unknown field' });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/**
 * Parses request input with a zod schema.
 * @throws ValidationError listing every offending field
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error));
  return result.data;
}

/**
 * Reads the request times present in `fields` as epoch ms, reporting the
 * problems of all of them at once rather than only the first.
 * @throws ValidationError
 */
export function parseTimes<K extends string>(
  fields: Partial<Record<K, string>>,
  zone: string,
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  const errors: FieldError[] = [];
  for (const key of Object.keys(fields) as K[]) {
    const text = fields[key];
    if (text === undefined) continue;
    try {
      out[key] = parseRequestTime(text, zone, key);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}
