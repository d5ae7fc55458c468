/** How the console writes numbers and times. */

/** People and counts, with thousands separators. */
export const count = new Intl.NumberFormat('en');

/** Two digits. */
export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `2026-12-10T09:00:00+09:00` → `2026-12-10 09:00`: the API's zone, as the API wrote it. */
export const wallTime = (time: string): string => `${time.slice(0, 10)} ${time.slice(11, 16)}`;

/** Minutes since midnight → `HH:MM` (past midnight wraps). */
export const clockTime = (minutes: number): string =>
  `${pad2(Math.floor(minutes / 60) % 24)}:${pad2(minutes % 60)}`;
