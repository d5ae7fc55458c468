import { ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { describeStartupError } from './startup-error.js';

describe('describeStartupError', () => {
  it('is one line with no stack, whatever the error', () => {
    const refused = Object.assign(new Error(''), { code: 'ECONNREFUSED' });
    const both = new AggregateError(
      [
        Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ],
      '',
    );
    expect(describeStartupError(refused)).toBe('connection refused (ECONNREFUSED)');
    expect(describeStartupError(both)).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(describeStartupError(new Error('password authentication failed\nfor user "x"'))).toBe(
      'password authentication failed for user "x"',
    );
    expect(describeStartupError(ValidationError.of('password', 'must be 8–128 characters'))).toBe(
      'password: must be 8–128 characters',
    );
    expect(describeStartupError('odd')).toBe('odd');
    for (const error of [refused, both, new Error('a\nb\nc')])
      expect(describeStartupError(error)).not.toMatch(/\n|at /);
  });
});
