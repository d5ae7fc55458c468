// The value scripts/test-database-setup.ts provides to integration tests,
// declared here too so `tsc -b` of this package knows the type of inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL on a real PostgreSQL server whose user may CREATE DATABASE. */
    testDatabaseAdminUrl: string;
  }
}
