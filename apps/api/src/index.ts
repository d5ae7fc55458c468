/**
 * The API application: configuration and the composition root. The
 * entry points are `main.ts` (the server) and `cli.ts` (operator tools).
 * @packageDocumentation
 */
export { type Config, ConfigError, loadConfig } from './config.js';
export { createContainer, type ServiceIds, TYPES } from './container.js';
