/** Test support: the HTTP contract suite and a test app over any store. */
export { bookableDay, describeHttpApi, type SuiteStore } from './http-api-suite.js';
export { startTestApp, TEST_JWT_SECRET, TEST_NOW, type TestApp } from './test-app.js';
