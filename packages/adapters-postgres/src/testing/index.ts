/**
 * Test support: finding a real PostgreSQL server, throwaway databases on it, a
 * server of a test's own that it may restart, and audits of the ledger and of
 * stored text.
 */
export { auditCapacity, type CapacityAudit, type LedgerMismatch } from './capacity-audit.js';
export { resetSchema } from './reset-schema.js';
export { type RestartableServer, startRestartableServer } from './restartable-server.js';
export { simpleQuery } from './simple-query.js';
export { auditStoredText, type StoredTextFinding } from './stored-text-audit.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startTestServer, type TestServer } from './test-server.js';
