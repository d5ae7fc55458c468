import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInput } from './parse.js';

/** The messages of a refusal of `input` by `schema`, by path. */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  try {
    parseInput(schema, input);
  } catch (error) {
    return Object.fromEntries(
      (error as { errors: { path: string; message: string }[] }).errors.map((e) => [e.path, e.message]),
    );
  }
  throw new Error('accepted');
}

describe('validation messages in plain words', () => {
  const schema = z.strictObject({
    count: z.number().int().min(1).max(10),
    flag: z.boolean(),
    kind: z.enum(['a', 'b']),
    ids: z.array(z.number()).max(2),
    name: z.string().max(5),
    page: z.coerce.number().int().min(1).max(9),
    own: z.string().regex(/^x$/, 'must be x'),
  });

  it('say what is required and what is allowed, never zod’s terms', () => {
    expect(messages(schema, {})).toEqual({
      count: 'required (a whole number from 1 to 10)',
      flag: 'required (true or false)',
      kind: 'required (one of "a", "b")',
      ids: 'required (a list)',
      name: 'required (text)',
      page: 'must be a whole number from 1 to 9',
      own: 'required (text)',
    });
    expect(
      messages(schema, {
        count: 1.5,
        flag: 'yes',
        kind: 'c',
        ids: [1, 2, 3],
        name: 'toolong',
        page: '0',
        own: 'y',
      }),
    ).toEqual({
      count: 'must be a whole number',
      flag: 'must be true or false',
      kind: 'must be one of "a", "b"',
      ids: 'must have at most 2 items',
      name: 'must have at most 5 characters',
      page: 'must be at least 1',
      own: 'must be x',
    });
    expect(messages(schema.partial(), { count: 11, page: 'ten' })).toEqual({
      count: 'must be at most 10',
      page: 'must be a whole number from 1 to 9',
    });
  });
});
