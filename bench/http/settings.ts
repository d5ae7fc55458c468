/** The command line of `pnpm bench`, and the sizes of its scenarios that follow from it. */

const args = process.argv.slice(2);
export const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
export const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 1 : 3;
/** `--only-confirm`: stop each run after scenario (1), for profiling and quick checks of it. */
export const onlyConfirm = args.includes('--only-confirm');
/** `--only-admission`: run scenario (5) alone, for profiling and quick checks of it. */
export const onlyAdmission = args.includes('--only-admission');
/** `--only-waiting-list`: run (1q), the hot window's confirmations with AUTO_ADMIT=fifo and 10 % cancelled, alone. */
export const onlyWaitingList = args.includes('--only-waiting-list');
/** `--only-rush`: run the registration rush (6) alone, with its ceilings. */
export const onlyRush = args.includes('--only-rush');
/** `--only-flood`: run the registration flood (8) alone. */
export const onlyFlood = args.includes('--only-flood');
/** `--only-export`: run the CSV export (11) alone, with its COPY ceiling. */
export const onlyExport = args.includes('--only-export');
/** `--only-load`: run the load view (12) alone, beside the schedules of the same range. */
export const onlyLoad = args.includes('--only-load');

export const CAPACITY = 50_000;
export const HOT_RESERVATIONS = quick ? 500 : 2_000;
export const HOT_PEOPLE = CAPACITY / HOT_RESERVATIONS; // exactly fills the window
/**
 * (1w)'s windows are longer than (1)'s (5,000 reservations of 10 people, a few
 * seconds each): one-second windows of 2,000 spread ±15 % from one to the
 * next, too much to tell a 10 % difference. BENCH_WEBHOOK_RESERVATIONS=2000
 * runs (1w) with windows the size of (1)'s (a divisor of 50,000); BENCH_WEBHOOK_WARMUP=1 confirms one
 * "with" window first, not counted.
 */
export const WEBHOOK_RESERVATIONS = Number(process.env.BENCH_WEBHOOK_RESERVATIONS ?? (quick ? 1_000 : 5_000));
if (
  !Number.isSafeInteger(WEBHOOK_RESERVATIONS) ||
  WEBHOOK_RESERVATIONS < 1 ||
  CAPACITY % WEBHOOK_RESERVATIONS !== 0
) {
  throw new Error('BENCH_WEBHOOK_RESERVATIONS must be a whole number that divides 50,000');
}
export const SPREAD_RESERVATIONS = quick ? 600 : 3_000;
export const SCHEDULE_REQUESTS = quick ? 100 : 500;
export const GET_REQUESTS = quick ? 2_000 : 10_000;
export const ADMISSION_PENDING = quick ? 10_000 : 100_000;
/** Single confirmations kept in flight beside the admission. */
export const ADMISSION_SINGLES_IN_FLIGHT = 4;
export const ZONE = 'Asia/Seoul';
export const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };
/** (11): the small export is one day of the seeded rows, the big one all of them. */
export const EXPORT_SMALL_ROWS = 10_000;
export const EXPORT_ROWS = quick ? 100_000 : 1_000_000;
export const EXPORT_DAYS = EXPORT_ROWS / EXPORT_SMALL_ROWS;
/** (11): the big export and COPY, in turn, this many times per run. */
export const EXPORT_PAIRS = 3;
/** (12): pending reservations over the 31 days, confirmed ones in their ledger, requests per phase. */
export const LOAD_DAYS = 31;
/** BENCH_LOAD_PENDING sets it for a paired comparison at full size with --quick's fewer requests. */
export const LOAD_PENDING = Number(process.env.BENCH_LOAD_PENDING ?? (quick ? 20_000 : 100_000));
if (!Number.isSafeInteger(LOAD_PENDING) || LOAD_PENDING < 1) {
  throw new Error('BENCH_LOAD_PENDING must be a whole number from 1');
}
export const LOAD_CONFIRMED = quick ? 5_000 : 20_000;
export const LOAD_REQUESTS = quick ? 200 : 1_000;
export const LOAD_IN_FLIGHT = 8;
