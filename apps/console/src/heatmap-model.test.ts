import { describe, expect, it } from 'vitest';
import { cellLabel, datesBetween, demandOf, heatRows, SLOTS_PER_DAY, shareBin } from './heatmap-model.js';

describe('the heat map model', () => {
  it('keeps the extreme colours for empty and full slots only', () => {
    expect(shareBin(0, 50_000)).toBe(0);
    expect(shareBin(1, 50_000)).toBe(1);
    expect(shareBin(25_000, 50_000)).toBe(5);
    expect(shareBin(49_999, 50_000)).toBe(9);
    expect(shareBin(50_000, 50_000)).toBe(10);
  });

  it('marks pending demand by whether it fits in the room left', () => {
    expect(demandOf(100, 40, 0)).toBe('none');
    expect(demandOf(100, 40, 60)).toBe('fits');
    expect(demandOf(100, 40, 61)).toBe('over');
  });

  it('lays stretches out as days × 144 slots in the zone the API wrote, across midnight', () => {
    const rows = heatRows('2026-12-10', '2026-12-11', [
      {
        start: '2026-12-10T00:00:00+09:00',
        end: '2026-12-10T23:50:00+09:00',
        capacity: 100,
        confirmed: 0,
        pending: 0,
      },
      {
        start: '2026-12-10T23:50:00+09:00',
        end: '2026-12-11T00:20:00+09:00',
        capacity: 100,
        confirmed: 50,
        pending: 70,
      },
      {
        start: '2026-12-11T00:20:00+09:00',
        end: '2026-12-12T00:00:00+09:00',
        capacity: 100,
        confirmed: 100,
        pending: 0,
      },
    ]);
    expect(rows.map((r) => r.day)).toEqual(['2026-12-10', '2026-12-11']);
    expect(rows[0]!.cells).toHaveLength(SLOTS_PER_DAY);
    expect(rows[0]!.cells[SLOTS_PER_DAY - 1]).toMatchObject({ time: '23:50', bin: 5, demand: 'over' });
    expect(rows[1]!.cells[0]).toMatchObject({ time: '00:00', bin: 5, pending: 70 });
    expect(rows[1]!.cells[2]).toMatchObject({ time: '00:20', bin: 10, demand: 'none' });
    expect(rows[1]!.cells.every((c) => c !== undefined)).toBe(true);
    expect(rows[0]!.peakShare).toBe(0.5);
    expect(rows[1]).toMatchObject({ peakShare: 1, peakPending: 70 });
  });

  it('says every number of a cell in its label', () => {
    const [row] = heatRows('2026-12-10', '2026-12-10', [
      {
        start: '2026-12-10T09:50:00+09:00',
        end: '2026-12-10T10:00:00+09:00',
        capacity: 50_000,
        confirmed: 25_000,
        pending: 300,
      },
    ]);
    expect(cellLabel('2026-12-10', row!.cells[59]!)).toBe(
      '2026-12-10 09:50–10:00: 25,000 of 50,000 confirmed (50 %), 300 pending, fits in the room left',
    );
    expect(row!.cells[58]).toBeUndefined();
  });

  it('lists the dates of a range inclusively, across a month end', () => {
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(datesBetween('2026-12-02', '2026-12-01')).toEqual([]);
  });
});
