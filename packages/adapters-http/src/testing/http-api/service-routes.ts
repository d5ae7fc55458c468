import { describe, expect, it } from 'vitest';
import { expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** Health, readiness, the OpenAPI document, Swagger UI and unknown routes. */
export function describeServiceRoutes(makeStore: MakeStore): void {
  describe('service routes', () => {
    const { http } = useHttpApi(makeStore);

    it('GET /healthz and /readyz answer 200', async () => {
      expect((await http().get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await http().get('/readyz')).status).toBe(200);
    });

    it('serves the OpenAPI document and Swagger UI', async () => {
      const doc = await http().get('/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      const bare = await http().get('/api-docs');
      expect(bare.status).toBe(301);
      expect(bare.headers.location).toBe('/api-docs/');
      const ui = await http().get('/api-docs/');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger-ui');
    });

    it('answers unknown routes with a 404 problem', async () => {
      expectProblem(await http().get('/nope'), 404, 'not_found');
    });
  });
}
