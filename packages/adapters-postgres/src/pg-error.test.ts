import { describe, expect, it } from 'vitest';
import { isUnavailable } from './pg-error.js';

describe('isUnavailable', () => {
  it.each([
    ['a lost connection', Object.assign(new Error('terminating connection'), { code: '08006' })],
    [
      'a server shutting down',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    [
      'a server starting up',
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    ],
    [
      'a statement over its time limit',
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    ],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    [
      'a refused socket',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    [
      'both addresses refused',
      new AggregateError([Object.assign(new Error(''), { code: 'ECONNREFUSED' })], ''),
    ],
    ['a connection that went away', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
  ])('is true for %s', (_label, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    ['a CHECK violation', Object.assign(new Error('violates check constraint'), { code: '23514' })],
    ['a syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'oops'],
  ])('is false for %s', (_label, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});
