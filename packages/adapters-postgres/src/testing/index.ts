/** Test support: finding a real PostgreSQL server, throwaway databases on it, and auditing the ledger. */
export { auditCapacity, type CapacityAudit, type LedgerMismatch } from './capacity-audit.js';
export { resetSchema } from './reset-schema.js';
export { simpleQuery } from './simple-query.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startTestServer, type TestServer } from './test-server.js';
