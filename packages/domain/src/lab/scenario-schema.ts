import { ValidationError } from '../errors.js';

/** A scenario file as read: JSON, checked, nothing converted yet. */
export interface ScenarioFile {
  /** A title for the table and the chart. */
  readonly name: string;
  /** IANA zone every local time of the file is read in (default Asia/Seoul). */
  readonly timeZone: string;
  /** The exam days whose seats count: `YYYY-MM-DD`, both inclusive. */
  readonly horizon: { readonly startDate: string; readonly endDate: string };
  /** What the candidates do. */
  readonly demand: {
    readonly seed: number;
    readonly bookings: number;
    /** Local time `YYYY-MM-DD HH:mm`. */
    readonly opensAt: string;
    readonly burstShare: number;
    readonly burstMinutes: number;
    readonly tailHours: number;
    readonly groupSizes: readonly { readonly people: number; readonly weight: number }[];
    /** Local times `YYYY-MM-DD HH:mm`. */
    readonly windows: readonly { readonly start: string; readonly end: string; readonly weight: number }[];
    readonly cancelShare: number;
    /** Admissions over the horizon while registration is open (none when absent). */
    readonly admission?: { readonly everyMinutes: number; readonly rejectRestAtEnd: boolean } | undefined;
  };
  /** The policies compared on that same demand. */
  readonly variants: readonly {
    readonly name: string;
    readonly capacity: number;
    readonly leadTimeDays: number;
    readonly admission: 'fifo' | 'smallestFirst' | 'bestFit';
    readonly autoAdmit: 'off' | 'fifo';
    readonly autoAdmitDelayMs: number;
  }[];
}

type Problems = { path: string; message: string }[];
type Reader<T> = (value: unknown, path: string, problems: Problems) => T | undefined;

const MAX_BOOKINGS = 2_000_000;
/** Every variant replays all the bookings: this caps the whole run's work, and so its time and memory. */
const MAX_BOOKINGS_TIMES_VARIANTS = 2_000_000;

const number =
  (min: number, max: number, integer: boolean): Reader<number> =>
  (value, path, problems) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      problems.push({ path, message: `must be ${integer ? 'a whole number' : 'a number'}` });
    } else if (value < min || value > max) {
      problems.push({ path, message: `must be from ${min} to ${max}, got ${value}` });
    } else return value;
    return undefined;
  };

const text =
  (pattern?: RegExp, shape?: string): Reader<string> =>
  (value, path, problems) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      problems.push({ path, message: 'must be a text of 1–200 characters' });
    } else if (pattern && !pattern.test(value)) {
      problems.push({ path, message: `must look like ${shape}, got ${JSON.stringify(value)}` });
    } else return value;
    return undefined;
  };

const oneOf =
  <T extends string>(...allowed: T[]): Reader<T> =>
  (value, path, problems) => {
    if (allowed.includes(value as T)) return value as T;
    problems.push({ path, message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}` });
    return undefined;
  };

const boolean: Reader<boolean> = (value, path, problems) => {
  if (typeof value === 'boolean') return value;
  problems.push({ path, message: 'must be true or false' });
  return undefined;
};

/** An object with exactly these keys (the optional ones may be absent); unknown keys are problems. */
function object<T>(fields: { [K in keyof T]-?: Reader<T[K]> }, optional: readonly string[] = []): Reader<T> {
  return (value, path, problems) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ path, message: 'must be an object' });
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in fields)) problems.push({ path: join(path, key), message: 'is not a known key' });
    }
    const out: Record<string, unknown> = {};
    const before = problems.length;
    for (const [key, read] of Object.entries(fields) as [string, Reader<unknown>][]) {
      if (record[key] === undefined) {
        if (!optional.includes(key)) problems.push({ path: join(path, key), message: 'is required' });
        continue;
      }
      out[key] = read(record[key], join(path, key), problems);
    }
    return problems.length === before ? (out as T) : undefined;
  };
}

const list =
  <T>(item: Reader<T>, max: number): Reader<T[]> =>
  (value, path, problems) => {
    if (!Array.isArray(value) || value.length === 0 || value.length > max) {
      problems.push({ path, message: `must be a list of 1–${max} items` });
      return undefined;
    }
    const before = problems.length;
    const out = value.map((v, i) => item(v, `${path}[${i}]`, problems));
    return problems.length === before ? (out as T[]) : undefined;
  };

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

const scenarioReader: Reader<ScenarioFile> = object<ScenarioFile>(
  {
    name: text(),
    timeZone: text(),
    horizon: object({ startDate: text(DATE, 'YYYY-MM-DD'), endDate: text(DATE, 'YYYY-MM-DD') }),
    demand: object<ScenarioFile['demand']>(
      {
        seed: number(0, 2 ** 32 - 1, true),
        bookings: number(1, MAX_BOOKINGS, true),
        opensAt: text(LOCAL, 'YYYY-MM-DD HH:mm'),
        burstShare: number(0, 1, false),
        burstMinutes: number(1, 7 * 24 * 60, false),
        tailHours: number(1, 366 * 24, false),
        groupSizes: list(
          object({ people: number(1, 1_000_000, true), weight: number(1e-9, 1e9, false) }),
          100,
        ),
        windows: list(
          object({
            start: text(LOCAL, 'YYYY-MM-DD HH:mm'),
            end: text(LOCAL, 'YYYY-MM-DD HH:mm'),
            weight: number(1e-9, 1e9, false),
          }),
          1000,
        ),
        cancelShare: number(0, 1, false),
        admission: object({ everyMinutes: number(1, 366 * 24 * 60, false), rejectRestAtEnd: boolean }),
      },
      ['cancelShare', 'admission'],
    ),
    variants: list(
      object(
        {
          name: text(),
          capacity: number(1, 10_000_000, true),
          leadTimeDays: number(0, 366, true),
          admission: oneOf('fifo', 'smallestFirst', 'bestFit'),
          autoAdmit: oneOf('off', 'fifo'),
          autoAdmitDelayMs: number(0, 366 * 86_400_000, true),
        },
        ['leadTimeDays', 'admission', 'autoAdmit', 'autoAdmitDelayMs'],
      ),
      8,
    ),
  },
  ['timeZone'],
);

/**
 * Checks a parsed scenario file: every key known, every value of its type
 * and in range; defaults filled in (zone Asia/Seoul, lead time 3 days, fifo,
 * no waiting list, no withdrawals).
 * @throws ValidationError listing every problem by its path in the file
 */
export function readScenarioFile(json: unknown): ScenarioFile {
  const problems: Problems = [];
  const file = scenarioReader(json, '', problems);
  if (!file) throw new ValidationError(problems);
  const work = file.demand.bookings * file.variants.length;
  if (work > MAX_BOOKINGS_TIMES_VARIANTS) {
    const n = (value: number) => value.toLocaleString('en-US');
    throw ValidationError.of(
      'demand.bookings',
      `bookings × variants must be at most ${n(MAX_BOOKINGS_TIMES_VARIANTS)}, got ${n(file.demand.bookings)} × ${file.variants.length} = ${n(work)}`,
    );
  }
  return {
    ...file,
    timeZone: file.timeZone ?? 'Asia/Seoul',
    demand: { ...file.demand, cancelShare: file.demand.cancelShare ?? 0 },
    variants: file.variants.map((v) => ({
      ...v,
      leadTimeDays: v.leadTimeDays ?? 3,
      admission: v.admission ?? 'fifo',
      autoAdmit: v.autoAdmit ?? 'off',
      autoAdmitDelayMs: v.autoAdmitDelayMs ?? 0,
    })),
  };
}
