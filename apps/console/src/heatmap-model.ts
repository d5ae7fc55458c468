import { clockTime, count } from './format.js';

/** The heat map's data: the load route's stretches laid out as days × 10-minute slots. */

/** One stretch of equal load, as `GET /reservations/load` answers it. */
export interface LoadStretch {
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
  readonly confirmed: number;
  readonly pending: number;
}

/** How pending demand compares with the room a slot has left: the map's second channel, a mark. */
export type Demand = 'none' | 'fits' | 'over';

/** One 10-minute slot of one day. */
export interface Cell {
  /** Wall-clock start in the API's zone, `HH:MM`. */
  readonly time: string;
  readonly capacity: number;
  readonly confirmed: number;
  readonly pending: number;
  /** 0 (empty) to 10 (full): which colour of the scale. */
  readonly bin: number;
  readonly demand: Demand;
}

/** A day of the range and its slots, `undefined` where the answer had none. */
export interface DayRow {
  readonly day: string;
  readonly cells: readonly (Cell | undefined)[];
  /** The highest confirmed share of the day, 0–1. */
  readonly peakShare: number;
  /** The most pending people any slot of the day has. */
  readonly peakPending: number;
}

export const SLOT_MINUTES = 10;
export const SLOTS_PER_DAY = (24 * 60) / SLOT_MINUTES;
const SLOT_MS = SLOT_MINUTES * 60_000;

/**
 * The colour bin of a confirmed load: 0 only when empty, 10 only when full,
 * so that neither extreme is ever shown for a slot that is not.
 */
export function shareBin(confirmed: number, capacity: number): number {
  if (confirmed <= 0 || capacity <= 0) return 0;
  if (confirmed >= capacity) return 10;
  return Math.min(9, Math.max(1, Math.round((confirmed / capacity) * 10)));
}

/** Whether the pending people of a slot would all fit in the room it has left. */
export function demandOf(capacity: number, confirmed: number, pending: number): Demand {
  if (pending <= 0) return 'none';
  return pending <= capacity - confirmed ? 'fits' : 'over';
}

/** An answer's time's offset from UTC in ms, read from its `±HH:MM` ending (no ending: 0). */
function offsetMs(time: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(time);
  if (!match) return 0;
  const ms = (Number(match[2]) * 60 + Number(match[3])) * 60_000;
  return match[1] === '-' ? -ms : ms;
}

/** The calendar dates from `start` to `end` inclusive (`YYYY-MM-DD`). */
export function datesBetween(start: string, end: string): string[] {
  const days: string[] = [];
  const last = Date.parse(`${end}T00:00:00Z`);
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= last && days.length < 400; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Lays the stretches out as one row per date of the range. Wall-clock times
 * follow each stretch's own offset (the API writes times in its zone), so a
 * stretch across a daylight-saving change keeps the offset it starts with.
 */
export function heatRows(start: string, end: string, stretches: readonly LoadStretch[]): DayRow[] {
  const rows = new Map(
    datesBetween(start, end).map((day) => [day, new Array<Cell | undefined>(SLOTS_PER_DAY)]),
  );
  for (const s of stretches) {
    const offset = offsetMs(s.start);
    const bin = shareBin(s.confirmed, s.capacity);
    const demand = demandOf(s.capacity, s.confirmed, s.pending);
    const until = Date.parse(s.end);
    for (let t = Date.parse(s.start); t < until; t += SLOT_MS) {
      const local = new Date(t + offset).toISOString();
      const cells = rows.get(local.slice(0, 10));
      if (!cells) continue;
      const time = local.slice(11, 16);
      const index = (Number(time.slice(0, 2)) * 60 + Number(time.slice(3))) / SLOT_MINUTES;
      cells[index] = { time, capacity: s.capacity, confirmed: s.confirmed, pending: s.pending, bin, demand };
    }
  }
  return [...rows].map(([day, cells]) => ({
    day,
    cells,
    peakShare: Math.max(0, ...cells.map((c) => (c && c.capacity > 0 ? c.confirmed / c.capacity : 0))),
    peakPending: Math.max(0, ...cells.map((c) => c?.pending ?? 0)),
  }));
}

/** The wall-clock start of a day's slot `index` (0 is 00:00), `HH:MM`. */
export const slotTime = (index: number): string => clockTime(index * SLOT_MINUTES);

/** `HH:MM` plus one slot. */
export const slotEnd = (time: string): string =>
  clockTime(Number(time.slice(0, 2)) * 60 + Number(time.slice(3)) + SLOT_MINUTES);

/** What a cell says in words: its label for assistive technology and its tooltip. */
export function cellLabel(day: string, cell: Cell): string {
  const percent = cell.capacity > 0 ? Math.round((cell.confirmed / cell.capacity) * 100) : 0;
  const demand =
    cell.demand === 'over'
      ? ', more than the room left'
      : cell.demand === 'fits'
        ? ', fits in the room left'
        : '';
  return (
    `${day} ${cell.time}–${slotEnd(cell.time)}: ${count.format(cell.confirmed)} of ` +
    `${count.format(cell.capacity)} confirmed (${percent} %), ${count.format(cell.pending)} pending${demand}`
  );
}
