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
  '/users/me/password': ['post'],
  '/users': ['get'],
  '/users/{id}': ['patch'],
  '/users/{id}/unlock': ['post'],
  '/reservations/schedules': ['get'],
  '/reservations/load': ['get'],
  '/reservations': ['get', 'post'],
  '/reservations/{id}': ['get', 'patch', 'delete'],
  '/reservations/{id}/confirm': ['post'],
  '/reservations/{id}/reject': ['post'],
  '/reservations/{id}/cancel': ['post'],
  '/reservations/{id}/history': ['get'],
  '/reservations/bulk/confirm': ['post'],
  '/reservations/bulk/reject': ['post'],
  '/reservations/admit': ['post'],
  '/reservations/export': ['get'],
  '/webhooks': ['get', 'post'],
  '/webhooks/{id}': ['delete'],
  '/webhooks/{id}/deliveries': ['get'],
  '/metrics': ['get'],
  '/openapi.json': ['get'],
  '/healthz': ['get'],
  '/readyz': ['get'],
};

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  requestBody?: { required?: boolean };
};

/** The routes that take an Idempotency-Key (API.md), with their success status. */
const KEYED: [string, string][] = [
  ['/reservations', '201'],
  ['/reservations/{id}/confirm', '200'],
  ['/reservations/{id}/reject', '200'],
  ['/reservations/{id}/cancel', '200'],
  ['/reservations/bulk/confirm', '200'],
  ['/reservations/bulk/reject', '200'],
  ['/reservations/admit', '200'],
];

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

  it('declares the bearer scheme and requires it on every /reservations, /webhooks and signed-in /users operation', () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, method, op] of operations()) {
      const needsAuth =
        path.startsWith('/reservations') ||
        path.startsWith('/webhooks') ||
        (path.startsWith('/users') && path !== '/users/register' && path !== '/users/login');
      const expected = needsAuth
        ? [{ bearer: [] }]
        : path === '/metrics'
          ? [{ metricsToken: [] }]
          : undefined;
      expect(op.security, `${method} ${path}`).toEqual(expected);
      if (needsAuth || path === '/metrics') expect(op.responses['401'], `${method} ${path}`).toBeDefined();
    }
  });

  it('documents webhooks: the routes (the secret only in the 201), every event’s request, and /metrics', () => {
    const schemas = document.components?.schemas ?? {};
    const props = (name: string) => Object.keys((schemas[name] as { properties: object }).properties);
    expect(props('Webhook')).not.toContain('secret');
    expect(JSON.stringify(schemas.WebhookWithSecret)).toContain('"secret"');
    const paths = document.paths ?? {};
    const created = (paths['/webhooks'] as Record<string, Operation>).post!.responses['201']!;
    expect(JSON.stringify(created.content)).toContain('WebhookWithSecret');
    for (const [path, method, op] of operations()) {
      if (path.startsWith('/webhooks')) expect(op.responses['403'], `${method} ${path}`).toBeDefined();
      if (!(path === '/webhooks' && method === 'post'))
        expect(JSON.stringify(op.responses), `${method} ${path}`).not.toContain('WebhookWithSecret');
    }
    expect(props('WebhookPayload')).toEqual(['type', 'timestamp', 'data', 'reason']);
    const webhooks = (document as unknown as { webhooks: Record<string, Record<string, Operation>> })
      .webhooks;
    expect(Object.keys(webhooks).sort()).toEqual([
      'reservation.cancelled',
      'reservation.confirmed',
      'reservation.created',
      'reservation.rejected',
      'reservation.updated',
    ]);
    const headers = webhooks['reservation.confirmed']!.post!.parameters!.map((p) => p.name);
    expect(headers).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    const metrics = (paths['/metrics'] as Record<string, Operation>).get!;
    expect(Object.keys(metrics.responses).sort()).toEqual(['200', '401', '404']);
    expect(metrics.responses['200']!.content).toHaveProperty('text/plain');
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

  it('documents Idempotency-Key on exactly the keyed routes, with the replay header, 409 and 422', () => {
    const keyed = new Set(KEYED.map(([path]) => path));
    for (const [path, method, op] of operations()) {
      const header = op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      const isKeyed = method === 'post' && keyed.has(path);
      expect(Boolean(header), `${method} ${path}`).toBe(isKeyed);
      if (!isKeyed) continue;
      expect(header?.required ?? false).toBe(false);
      const success = KEYED.find(([p]) => p === path)![1];
      expect(Object.keys(op.responses[success]?.headers ?? {}), path).toContain('Idempotent-Replayed');
      expect(op.responses['409'], path).toBeDefined();
      expect(op.responses['422'], path).toBeDefined();
    }
  });

  it('admin routes answer 403, and every new route its contract statuses', () => {
    const op = (path: string, method: string) =>
      operations().find(([p, m]) => p === path && m === method)![2];
    const statuses = (path: string, method: string) => Object.keys(op(path, method).responses).sort();
    for (const path of ['/reservations/bulk/confirm', '/reservations/bulk/reject', '/reservations/admit']) {
      expect(statuses(path, 'post')).toEqual(['200', '400', '401', '403', '409', '413', '422', '500', '503']);
    }
    expect(statuses('/reservations/{id}/reject', 'post')).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '422', '500', '503'].sort(),
    );
    expect(statuses('/reservations/{id}/history', 'get')).toEqual([
      '200',
      '400',
      '401',
      '404',
      '413',
      '500',
      '503',
    ]);
    expect(op('/reservations/{id}/reject', 'post').requestBody?.required).toBe(false);
  });

  it('knows the status rejected, the new problem codes, and the shapes of Event, BulkResult and Admission', () => {
    const schemas = document.components?.schemas ?? {};
    const props = (name: string) =>
      (schemas[name] as { properties: Record<string, { enum?: string[] }> }).properties;
    expect(props('Reservation').status?.enum).toEqual(['pending', 'confirmed', 'cancelled', 'rejected']);
    expect(props('Problem').code?.enum).toEqual(
      expect.arrayContaining(['idempotency_in_progress', 'idempotency_key_reused']),
    );
    expect(Object.keys(props('Event'))).toEqual([
      'type',
      'at',
      'actor_id',
      'actor_role',
      'reason',
      'before',
      'after',
    ]);
    expect(Object.keys(props('Admission'))).toEqual(['confirmed', 'rejected', 'left_pending', 'complete']);
    expect(Object.keys(props('BulkResult'))).toEqual(['results']);
    for (const name of ['RejectRequest', 'BulkConfirmRequest', 'BulkRejectRequest', 'AdmitRequest']) {
      expect((schemas[name] as { additionalProperties?: unknown }).additionalProperties, name).toBe(false);
    }
  });
});
