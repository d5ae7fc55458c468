import { bookingPolicy } from '@exam-reservation/domain';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi-document.js';

const document = buildOpenApiDocument(bookingPolicy(), Date.parse('2026-11-20T03:00:00Z'));

/** Every route of API.md, with its methods. */
const CONTRACT: Record<string, string[]> = {
  '/users/register': ['post'],
  '/users/login': ['post'],
  '/users/me': ['get'],
  '/reservations/schedules': ['get'],
  '/reservations': ['get', 'post'],
  '/reservations/{id}': ['get', 'patch', 'delete'],
  '/reservations/{id}/confirm': ['post'],
  '/reservations/{id}/cancel': ['post'],
  '/openapi.json': ['get'],
  '/healthz': ['get'],
  '/readyz': ['get'],
};

type Operation = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
  requestBody?: unknown;
};

function operations(): [string, string, Operation][] {
  const paths = document.paths ?? {};
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => [path, method, op]),
  ) as [string, string, Operation][];
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(
      structuredClone(document) as unknown as Record<string, unknown>,
    );
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every path of the contract with its methods, and nothing else', () => {
    const paths = document.paths ?? {};
    expect(Object.keys(paths).sort()).toEqual(Object.keys(CONTRACT).sort());
    for (const [path, methods] of Object.entries(CONTRACT)) {
      expect(Object.keys(paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
    }
  });

  it('declares the bearer scheme and requires it on every /reservations and /users/me operation', () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, method, op] of operations()) {
      const needsAuth = path.startsWith('/reservations') || path === '/users/me';
      expect(op.security, `${method} ${path}`).toEqual(needsAuth ? [{ bearer: [] }] : undefined);
      if (needsAuth) expect(op.responses['401'], `${method} ${path}`).toBeDefined();
    }
  });

  it('describes every error response with the problem+json schema', () => {
    let errors = 0;
    for (const [path, method, op] of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        errors++;
        expect(response.content, `${method} ${path} ${status}`).toEqual({
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        });
      }
    }
    expect(errors).toBeGreaterThan(40);
  });

  it('names the reference fields in the schemas', () => {
    const schemas = document.components?.schemas ?? {};
    const props = (name: string) => Object.keys((schemas[name] as { properties: object }).properties);
    expect(props('Reservation')).toEqual([
      'id',
      'user_id',
      'reservation_name',
      'start_time',
      'end_time',
      'number_of_people',
      'status',
      'created_at',
      'updated_at',
    ]);
    expect(props('Schedule')).toEqual(['start', 'end', 'available_capacity']);
    expect(props('Token')).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(props('CreateReservationRequest')).toEqual([
      'reservation_name',
      'start',
      'end',
      'number_of_people',
    ]);
    expect(
      (schemas.CreateReservationRequest as { additionalProperties?: unknown }).additionalProperties,
    ).toBe(false);
  });
});
