/** How the console writes numbers and times. */

/** People and counts, with thousands separators. */
export const count = new Intl.NumberFormat('en');

/** Two digits. */
export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** An answer's time (`YYYY-MM-DDTHH:MM:SS±HH:MM`) as `YYYY-MM-DD HH:MM`: the wall clock of the API's zone, as the API wrote it. */
export const wallTime = (time: string): string => `${time.slice(0, 10)} ${time.slice(11, 16)}`;

/** Minutes since midnight → `HH:MM` (past midnight wraps). */
export const clockTime = (minutes: number): string =>
  `${pad2(Math.floor(minutes / 60) % 24)}:${pad2(minutes % 60)}`;
