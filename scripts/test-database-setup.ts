import type { TestProject } from 'vitest/node';
import { startTestServer } from '../packages/adapters-postgres/src/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL on a real PostgreSQL server whose user may CREATE DATABASE. */
    testDatabaseAdminUrl: string;
  }
}

/** Finds one real PostgreSQL server for the whole integration run and says which. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestServer();
  process.stdout.write(`\n[integration] PostgreSQL: ${server.source}\n`);
  project.provide('testDatabaseAdminUrl', server.adminUrl);
  return () => server.stop();
}
