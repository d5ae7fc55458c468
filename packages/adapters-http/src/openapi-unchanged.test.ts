import { bookingPolicy } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi-document.js';

/*
 * The OpenAPI document, frozen: a refactor of the routes, schemas or their
 * registrations must leave it as it is, apart from ordering. A deliberate
 * change to the API regenerates the fixture, and its diff is the change:
 *
 *   npx vitest run packages/adapters-http/src/openapi-unchanged.test.ts -u
 */

/** Arrays whose order carries no meaning: compared as sets. */
const UNORDERED = new Set(['required', 'tags', 'parameters']);

/**
 * An array's items in a canonical order, for the arrays that are sets. The
 * document's own `tags` (objects, not names) keep their order: it is the
 * order of the sections in Swagger UI.
 */
function inOrder(key: string, items: unknown[]): unknown[] {
  if (!UNORDERED.has(key) || (key === 'tags' && items.some((item) => typeof item !== 'string'))) return items;
  const keyed = items.map((item) => [JSON.stringify(item), item] as const);
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return keyed.map(([, item]) => item);
}

/** The document with object keys sorted at every level, and the arrays that are sets sorted. */
function normalized(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalized(item));
    return inOrder(key, items);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, normalized(v, k)]));
  }
  return value;
}

describe('the OpenAPI document', () => {
  it('is the frozen one, apart from ordering', async () => {
    // Two policies: the default, and one that changes every value the descriptions are written from.
    const documents = {
      default: buildOpenApiDocument(bookingPolicy(), Date.UTC(2026, 0, 1)),
      other: buildOpenApiDocument(
        bookingPolicy({
          capacity: 30,
          leadTimeDays: 5,
          timeZone: 'Europe/Berlin',
          maxRangeDays: 31,
          slotMinutes: 30,
        }),
        Date.UTC(2027, 5, 15, 12),
      ),
    };
    const text = `${JSON.stringify(normalized(JSON.parse(JSON.stringify(documents))), null, 2)}\n`;
    await expect(text).toMatchFileSnapshot('./openapi-frozen.json');
  });
});
