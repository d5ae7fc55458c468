import type { z } from 'zod';

/*
 * zod's own words are for programmers (`Invalid input: expected int, received
 * number`). Clients and operators get plain ones instead: what is wrong and
 * what is allowed, read off the schema that refused the value (`must be a
 * whole number from 1 to 100`, `required (true or false)`). A schema or check
 * with a message of its own keeps it: zod asks this map only when there is none.
 */

/** The parts of a zod schema this module reads; every field is optional, as not every kind has it. */
interface SchemaFacts {
  readonly type?: string;
  readonly isInt?: boolean;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly options?: readonly unknown[];
  readonly _zod?: { readonly def?: { readonly type?: string } };
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** A bound as people read it: none for the limits of the number type itself. */
const bound = (value: number | null | undefined): number | undefined =>
  value === null || value === undefined || !Number.isFinite(value) || Math.abs(value) >= SAFE
    ? undefined
    : value;

/** What a schema accepts, in words: `a whole number from 1 to 10`, `true or false`. */
export function allowedBy(schema: unknown): string | undefined {
  const facts = (schema ?? {}) as SchemaFacts;
  switch (facts._zod?.def?.type ?? facts.type) {
    case 'number': {
      const kind = facts.isInt ? 'a whole number' : 'a number';
      const min = bound(facts.minValue);
      const max = bound(facts.maxValue);
      if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
      if (min !== undefined) return `${kind} of at least ${min}`;
      if (max !== undefined) return `${kind} of at most ${max}`;
      return kind;
    }
    case 'string':
      // No bound: a string's max is the transport's cap, not the field's rule (1–100 for a name),
      // and a value too long gets the words of its own check.
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${(facts.options ?? []).map((o) => JSON.stringify(o)).join(', ')}`;
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return undefined;
  }
}

/** The unit of a length bound, by what the bound is on. */
const UNIT: Record<string, string> = { string: 'characters', array: 'items' };

/**
 * zod's error map in plain words; `undefined` keeps zod's own message (for an
 * issue this map has no better words for).
 */
export const plainWords: z.core.$ZodErrorMap = (issue) => {
  const allowed = allowedBy(issue.inst);
  switch (issue.code) {
    case 'invalid_type': {
      // A failed `.int()` names its check, not the schema: the words are known anyway.
      const what = issue.expected === 'int' ? 'a whole number' : allowed;
      if (issue.input === undefined) return what ? `required (${what})` : 'required';
      return what ? `must be ${what}` : undefined;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = String(small ? issue.minimum : issue.maximum);
      const unit = UNIT[issue.origin];
      if (unit !== undefined) return `must have ${small ? 'at least' : 'at most'} ${limit} ${unit}`;
      if (issue.origin !== 'number' && issue.origin !== 'int') return undefined;
      if (issue.inclusive === false) return `must be ${small ? 'more' : 'less'} than ${limit}`;
      return `must be ${small ? 'at least' : 'at most'} ${limit}`;
    }
    case 'invalid_value': {
      const values = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return issue.input === undefined ? `required (${values})` : `must be ${values}`;
    }
    default:
      return undefined;
  }
};
