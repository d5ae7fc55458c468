import type pg from 'pg';
import type { Driver } from './support.js';

/** What the scenarios of one run share: the API, its database, the driver, and who signs the requests. */
export interface RunContext {
  /** The API under test, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The API's database, for the ids to act on and for checks. */
  readonly db: pg.Pool;
  readonly driver: Driver;
  /** The admin's request headers. */
  readonly adminAuth: Record<string, string>;
  /** The request headers of the signed-in users, taken in turn by `i`. */
  auth(i: number): Record<string, string>;
  /** Ends a phase of the API's RSS samples (the highest of each is printed). */
  endPhase(label: string): void;
}
