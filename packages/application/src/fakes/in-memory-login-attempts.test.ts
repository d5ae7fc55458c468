import { describeLoginAttemptsContract } from '../testing/index.js';
import { InMemoryLoginAttempts } from './in-memory-login-attempts.js';

describeLoginAttemptsContract('InMemoryLoginAttempts', async () => new InMemoryLoginAttempts());
