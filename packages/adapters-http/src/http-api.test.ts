import { InMemoryStore } from '@exam-reservation/application/testing';
import { describeHttpApi } from './testing/http-api-suite.js';

describeHttpApi('the in-memory store', async () => ({
  uow: new InMemoryStore(),
  close: async () => undefined,
}));
