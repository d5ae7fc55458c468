/** Test support: finding a real PostgreSQL server and making throwaway databases on it. */
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startTestServer, type TestServer } from './test-server.js';
