import { describeStoreContracts } from '../testing/index.js';
import { InMemoryStore } from './in-memory-store.js';

describeStoreContracts('InMemoryStore', async () => new InMemoryStore());
