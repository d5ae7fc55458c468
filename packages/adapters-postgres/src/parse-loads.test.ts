import { describe, expect, it } from 'vitest';
import { parseLoads } from './postgres-slot-ledger.js';

describe('parseLoads', () => {
  it('reads `seconds:load` pairs after a base into slot starts in ms', () => {
    expect([...parseLoads('0:5,600:17,86400:50000', 1_800_000_000)]).toEqual([
      [1_800_000_000_000, 5],
      [1_800_000_600_000, 17],
      [1_800_086_400_000, 50_000],
    ]);
  });

  it('gives no loads for no text, and keeps the order it was given', () => {
    expect(parseLoads('', 0).size).toBe(0);
    expect([...parseLoads('1200:1,0:2', 0).keys()]).toEqual([1_200_000, 0]);
  });

  it('refuses anything but digits, colons and commas', () => {
    expect(() => parseLoads('0:5,-600:1', 0)).toThrow(/unexpected character/);
    expect(() => parseLoads('0:5.5', 0)).toThrow(/unexpected character/);
  });
});
