import { describe, expect, it } from 'vitest';
import { ForbiddenError, LastAdminError, ValidationError } from './errors.js';
import { assertAdminRemains, normalizeEmail, type Registration, validateRegistration } from './user.js';

const valid: Registration = { email: 'kim@example.com', password: 'correct horse', userName: 'Kim' };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error to be thrown');
}

function paths(registration: Registration): string[] {
  const error = errorOf(() => validateRegistration(registration));
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('validation_error');
  return (error as ValidationError).errors.map((e) => e.path);
}

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Kim@Example.COM \n')).toBe('kim@example.com');
  });
});

describe('validateRegistration', () => {
  it('accepts a valid registration, with no role or role "user"', () => {
    expect(() => validateRegistration(valid)).not.toThrow();
    expect(() => validateRegistration({ ...valid, role: 'user' })).not.toThrow();
    expect(() => validateRegistration({ ...valid, role: undefined })).not.toThrow();
    expect(() => validateRegistration({ ...valid, email: ' Kim@Example.com ' })).not.toThrow();
  });

  it('refuses self-registration as admin with ForbiddenError, even when other fields are bad', () => {
    for (const registration of [
      { ...valid, role: 'admin' },
      { ...valid, role: 'admin', password: 'short' },
    ]) {
      const error = errorOf(() => validateRegistration(registration));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).code).toBe('forbidden');
    }
  });

  it('refuses any other role as a validation error on role', () => {
    expect(paths({ ...valid, role: 'superuser' })).toEqual(['role']);
    expect(paths({ ...valid, role: 'Admin' })).toEqual(['role']);
  });

  it('refuses implausible e-mail addresses', () => {
    for (const email of [
      '',
      'kim',
      'kim@',
      '@example.com',
      'kim@example',
      'k im@example.com',
      'kim@@example.com',
    ]) {
      expect(paths({ ...valid, email })).toEqual(['email']);
    }
    const local = 'a'.repeat(64);
    const long = `${local}@${'b'.repeat(250 - local.length)}.com`;
    expect(long.length).toBe(255);
    expect(paths({ ...valid, email: long })).toEqual(['email']);
  });

  it('takes passwords of 8 to 128 characters', () => {
    expect(paths({ ...valid, password: '1234567' })).toEqual(['password']);
    expect(paths({ ...valid, password: 'x'.repeat(129) })).toEqual(['password']);
    expect(() => validateRegistration({ ...valid, password: '12345678' })).not.toThrow();
    expect(() => validateRegistration({ ...valid, password: 'x'.repeat(128) })).not.toThrow();
    // Characters, not UTF-16 units: 8 emoji are 8 characters.
    expect(() => validateRegistration({ ...valid, password: '🔑'.repeat(8) })).not.toThrow();
    expect(paths({ ...valid, password: '🔑'.repeat(7) })).toEqual(['password']);
  });

  it('takes user names of 1 to 100 characters', () => {
    expect(paths({ ...valid, userName: '' })).toEqual(['user_name']);
    expect(paths({ ...valid, userName: '   ' })).toEqual(['user_name']);
    expect(paths({ ...valid, userName: 'x'.repeat(101) })).toEqual(['user_name']);
    expect(() => validateRegistration({ ...valid, userName: 'x'.repeat(100) })).not.toThrow();
  });

  it('refuses what could not be stored exactly as sent', () => {
    expect(paths({ ...valid, userName: 'Kim\u0000' })).toEqual(['user_name']);
    expect(paths({ ...valid, userName: 'Kim\u001b[31m' })).toEqual(['user_name']);
    expect(paths({ ...valid, userName: 'Kim \ud83d' })).toEqual(['user_name']);
    expect(paths({ ...valid, email: 'kim\u0000@example.com' })).toEqual(['email']);
    expect(paths({ ...valid, email: 'kim\u0007@example.com' })).toEqual(['email']);
    expect(paths({ ...valid, email: 'kim\udfff@example.com' })).toEqual(['email']);
    expect(paths({ ...valid, password: 'correct\u0000horse' })).toEqual(['password']);
    expect(paths({ ...valid, password: 'correct horse \ud800' })).toEqual(['password']);
    // A control character other than NUL is the password owner's business.
    expect(() => validateRegistration({ ...valid, password: 'correct\thorse' })).not.toThrow();
    expect(() => validateRegistration({ ...valid, userName: '김 🙂' })).not.toThrow();
  });

  it('reports every bad field at once', () => {
    expect(paths({ email: 'nope', password: 'short', userName: '' })).toEqual([
      'email',
      'password',
      'user_name',
    ]);
  });
});

describe('assertAdminRemains', () => {
  it('lets an admin go while another stays, and refuses the last one', () => {
    expect(() => assertAdminRemains([1, 2], 1)).not.toThrow();
    expect(() => assertAdminRemains([1], 1)).toThrow(LastAdminError);
    expect(() => assertAdminRemains([], 3)).toThrow(LastAdminError);
  });
});
