import { readFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '@exam-reservation/adapters-http';
import { startTestApp } from '@exam-reservation/adapters-http/testing';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { bookingPolicy } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { GENERATED_AT, generateSchema, SCHEMA_FILE } from '../scripts/generate.js';

describe('the generated types (src/schema.ts)', () => {
  it('are what openapi-typescript makes of the document the API serves', async () => {
    // The app serves a document dated from its clock; at the generator's fixed instant it is the
    // document the generator uses, so the comparison does not change from one day to the next.
    const app = await startTestApp(new InMemoryStore(), { now: GENERATED_AT });
    let served: object;
    try {
      served = (await (await fetch(`${app.url}/openapi.json`)).json()) as object;
    } finally {
      await app.close();
    }
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(bookingPolicy(), GENERATED_AT))));
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(
      committed,
      'packages/client/src/schema.ts is out of date: run `pnpm generate` in packages/client',
    ).toBe(await generateSchema(served));
  });
});
