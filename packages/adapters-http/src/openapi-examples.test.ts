import { InMemoryStore } from '@exam-reservation/application/testing';
import { bookingPolicy } from '@exam-reservation/domain';
import type { oas31 } from 'openapi3-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { startTestApp, TEST_NOW, type TestApp } from './testing/test-app.js';

const METRICS_TOKEN = 'examples-metrics-token-0123456789';

type Operation = oas31.OperationObject;

/** The value Swagger UI pre-fills for a schema: its example, or the first of its examples. */
function exampleOf(schema: oas31.SchemaObject | undefined): unknown {
  return schema?.example ?? schema?.examples?.[0] ?? schema?.default;
}

function resolve(document: oas31.OpenAPIObject, schema: unknown): oas31.SchemaObject | undefined {
  const ref = (schema as oas31.ReferenceObject | undefined)?.$ref;
  if (!ref) return schema as oas31.SchemaObject | undefined;
  return document.components?.schemas?.[ref.replace('#/components/schemas/', '')] as oas31.SchemaObject;
}

/** The request "Try it out" sends with every pre-filled value left as it is. */
function exampleRequest(document: oas31.OpenAPIObject, path: string, operation: Operation) {
  let url = path;
  const query = new URLSearchParams();
  for (const parameter of (operation.parameters ?? []) as oas31.ParameterObject[]) {
    const value = parameter.example ?? exampleOf(resolve(document, parameter.schema));
    if (value === undefined) continue;
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, String(value));
    if (parameter.in === 'query') query.set(parameter.name, String(value));
  }
  const media = (operation.requestBody as oas31.RequestBodyObject | undefined)?.content['application/json'];
  let body: unknown;
  if (media) {
    const schema = resolve(document, media.schema);
    body =
      media.example ??
      Object.fromEntries(
        Object.entries(schema?.properties ?? {}).map(([name, property]) => [
          name,
          exampleOf(resolve(document, property)),
        ]),
      );
  }
  const search = query.size > 0 ? `?${query}` : '';
  return { url: `${url}${search}`, body };
}

describe('the examples of the OpenAPI document', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function documentOf(target: TestApp): Promise<oas31.OpenAPIObject> {
    return (await (await fetch(`${target.url}/openapi.json`)).json()) as oas31.OpenAPIObject;
  }

  it('succeed when sent unchanged, for every operation, in the order a newcomer would try them', async () => {
    // With metrics on, as an operated deployment runs; the fake webhook transport sends nothing.
    app = await startTestApp(new InMemoryStore(), {
      metrics: new PrometheusMetrics(),
      http: { metricsToken: METRICS_TOKEN },
    });
    const document = await documentOf(app);
    const calls: string[] = [];
    const send = async (method: string, path: string, token?: string) => {
      calls.push(`${method} ${path}`);
      const operation = document.paths?.[path]?.[method as 'get'] as Operation;
      const { url, body } = exampleRequest(document, path, operation);
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${app!.url}${url}`, {
        method: method.toUpperCase(),
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const success = Object.keys(operation.responses ?? {}).find((status) => status.startsWith('2'));
      expect(`${method} ${path} ${res.status} ${text}`).toBe(`${method} ${path} ${success} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };

    await send('post', '/users/register');
    const login = (await send('post', '/users/login')) as { access_token: string };
    const user = login.access_token;
    await send('get', '/users/me', user);
    const created = await send('post', '/reservations', user);
    expect(created).toMatchObject({ id: 1, status: 'pending', start_time: '2026-11-23T09:00:00+09:00' });
    // A second booking, for the examples that reject (id 2) while others confirm id 1.
    expect(await send('post', '/reservations', user)).toMatchObject({ id: 2, status: 'pending' });
    await send('get', '/reservations/{id}', user);
    await send('patch', '/reservations/{id}', user);
    await send('get', '/reservations/{id}/history', user);
    await send('get', '/reservations', user);
    const schedules = (await send('get', '/reservations/schedules', user)) as unknown as unknown[];
    expect(schedules.length).toBeGreaterThan(0);
    // Confirming is for admins: the example e-mail promoted, logged in again.
    const register = document.paths?.['/users/register']?.post as Operation;
    const { body } = exampleRequest(document, '/users/register', register);
    const { email, password } = body as { email: string; password: string };
    await app.ensureAdmin.execute({ email, password });
    const admin = ((await send('post', '/users/login')) as { access_token: string }).access_token;
    // The example account (id 1) is the admin now: listed, given the role it has, unlocked.
    expect(await send('get', '/users', admin)).toMatchObject([{ id: 1, email, role: 'admin' }]);
    expect(await send('patch', '/users/{id}', admin)).toMatchObject({ id: 1, role: 'admin' });
    await send('post', '/users/{id}/unlock', admin);
    await send('post', '/reservations/{id}/confirm', admin);
    expect(await send('post', '/reservations/{id}/reject', admin)).toMatchObject({
      id: 2,
      status: 'rejected',
    });
    const bulk = await send('post', '/reservations/bulk/confirm', admin);
    expect(bulk).toMatchObject({ results: [{ id: 1, status: 200 }] });
    await send('post', '/reservations/bulk/reject', admin);
    // The admit example is a dry run: it answers and changes nothing.
    expect(await send('post', '/reservations/admit', admin)).toEqual({
      confirmed: 0,
      rejected: 0,
      left_pending: 0,
      complete: true,
    });
    // The load view of the example day: the first booking (moved to 10:00–12:00) confirmed.
    const load = (await send('get', '/reservations/load', admin)) as unknown as Record<string, unknown>[];
    expect(load).toContainEqual(
      expect.objectContaining({ start: '2026-11-23T10:00:00+09:00', confirmed: 120, pending: 0 }),
    );
    // The export answers CSV, not JSON: sent as the others, its text read as it is.
    const exporting = document.paths?.['/reservations/export']?.get as Operation;
    const exportUrl = exampleRequest(document, '/reservations/export', exporting).url;
    const csv = await fetch(`${app.url}${exportUrl}`, { headers: { authorization: `Bearer ${admin}` } });
    const csvText = await csv.text();
    expect(`${csv.status} ${csv.headers.get('content-type')} ${csvText}`).toMatch(
      /^200 text\/csv; charset=utf-8 id,user_id,reservation_name,start_time,end_time,number_of_people,status,created_at,updated_at\r\n1,/,
    );
    calls.push('get /reservations/export');
    await send('post', '/reservations/{id}/cancel', admin);
    await send('delete', '/reservations/{id}', admin);
    expect(await send('post', '/webhooks', admin)).toMatchObject({
      id: 1,
      secret: expect.stringMatching(/^whsec_/),
    });
    await send('get', '/webhooks', admin);
    await send('get', '/webhooks/{id}/deliveries', admin);
    await send('delete', '/webhooks/{id}', admin);
    // Last: the change refuses every token issued before it, the admin's too.
    await send('post', '/users/me/password', admin);
    const refused = await fetch(`${app.url}/users/me`, { headers: { authorization: `Bearer ${admin}` } });
    expect(refused.status).toBe(401);
    const metrics = await fetch(`${app.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    calls.push('get /metrics');
    // Every operation of the document was tried above (or below).
    const tried = new Set(calls);
    for (const path of ['/healthz', '/readyz', '/openapi.json']) await send('get', path);
    for (const path of ['/healthz', '/readyz', '/openapi.json']) tried.add(`get ${path}`);
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      (['get', 'post', 'patch', 'delete', 'put'] as const).filter((m) => item[m]).map((m) => `${m} ${path}`),
    );
    expect(operations.filter((o) => !tried.has(o))).toEqual([]);
  });

  it('are dated from the first bookable day, and move on with it', async () => {
    app = await startTestApp(new InMemoryStore(), { now: TEST_NOW });
    const days = async () => {
      const document = await documentOf(app!);
      const schedules = document.paths?.['/reservations/schedules']?.get as Operation;
      const body = document.paths?.['/reservations']?.post?.requestBody as oas31.RequestBodyObject;
      const create = body.content['application/json']?.example as { start: string };
      return [
        ...((schedules.parameters ?? []) as oas31.ParameterObject[])
          .filter((p) => p.in === 'query')
          .map((p) => p.example),
        create.start,
      ];
    };
    // 2026-11-20 12:00 in Seoul, three days' lead time.
    expect(await days()).toEqual(['2026-11-23', '2026-11-23', '2026-11-23 09:00']);
    app.clock.advance(12 * 3_600_000);
    expect(await days()).toEqual(['2026-11-24', '2026-11-24', '2026-11-24 09:00']);
  });

  it("follow the deployment's zone: its first bookable day, its offset in the answers' times", () => {
    // TEST_NOW is 2026-11-19 22:00 in New York: the first bookable day there is 2026-11-22.
    const document = buildOpenApiDocument(bookingPolicy({ timeZone: 'America/New_York' }), TEST_NOW);
    const schemas = document.components?.schemas as Record<string, oas31.SchemaObject>;
    const property = (schema: string, field: string) =>
      schemas[schema]?.properties?.[field] as oas31.SchemaObject;
    expect(property('CreateReservationRequest', 'start').examples).toEqual([
      '2026-11-22 09:00',
      '2026-11-22T09:00:00-05:00',
    ]);
    expect(property('Reservation', 'start_time').example).toBe('2026-11-22T09:00:00-05:00');
    expect(property('Reservation', 'end_time').example).toBe('2026-11-22T11:00:00-05:00');
    expect(property('Schedule', 'end').example).toBe('2026-11-22T11:00:00-05:00');
    expect(property('User', 'created_at').example).toBe('2026-11-22T09:00:00-05:00');
  });
});
