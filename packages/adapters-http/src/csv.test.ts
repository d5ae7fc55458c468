import { csvCell, RESERVATION_CSV_HEADER, reservationCsvRows } from '@exam-reservation/application';
import { describe, expect, it } from 'vitest';
import { present } from './presenters.js';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['a\rb', '"a\rb"'],
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=A1,"b"', `"'=A1,""b"""`],
    ['a=b', 'a=b'],
    ["'quoted", "'quoted"],
    ['시험 ✓', '시험 ✓'],
  ])('%j → %j', (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });
});

describe('reservationCsvRows', () => {
  it('writes the JSON answer’s fields in the header’s order, CRLF after each row', () => {
    const r = {
      id: 7,
      userId: 3,
      reservationName: 'TOEIC, "A"',
      start: Date.parse('2026-12-01T00:00:00Z'),
      end: Date.parse('2026-12-01T02:00:00Z'),
      numberOfPeople: 120,
      status: 'confirmed' as const,
      createdAt: Date.parse('2026-11-20T03:00:00.123Z'),
      updatedAt: Date.parse('2026-11-21T03:00:00Z'),
    };
    const zone = 'Asia/Seoul';
    const json = present.reservation(r, zone);
    const columns = RESERVATION_CSV_HEADER.trimEnd().split(',');
    expect(RESERVATION_CSV_HEADER.endsWith('\r\n')).toBe(true);
    const expected = columns.map((c) =>
      c === 'reservation_name' ? '"TOEIC, ""A"""' : String(json[c as 'id']),
    );
    expect(reservationCsvRows([r, r], zone)).toBe(`${expected.join(',')}\r\n`.repeat(2));
    expect(reservationCsvRows([r], zone)).toContain(',2026-12-01T09:00:00+09:00,2026-12-01T11:00:00+09:00,');
    expect(reservationCsvRows([], zone)).toBe('');
  });
});
