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
