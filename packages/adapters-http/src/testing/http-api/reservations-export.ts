import { request as httpRequest } from 'node:http';
import type { NewReservation } from '@exam-reservation/application';
import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

const HEADER =
  'id,user_id,reservation_name,start_time,end_time,number_of_people,status,created_at,updated_at';

/** An instant of a day in Seoul (the test policy's zone), `HH:MM`. */
const seoul = (day: string, time: string) => Date.parse(`${day}T${time}:00+09:00`);

/** The rows of a CSV body (RFC 4180, quoted fields may hold CRLF), each a list of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

/** GET /reservations with filters, and GET /reservations/export. */
export function describeReservationsExport(makeStore: MakeStore): void {
  describe('GET /reservations: status and user_id filters', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);
    const list = (token: string, query: Record<string, unknown>) =>
      http().get('/reservations').query(query).auth(token, { type: 'bearer' });
    const ids = (res: { body: { id: number }[] }) => res.body.map((r) => r.id);

    it('filters by one status, a comma list of them, the user (admins) and the range, with paging and Link', async () => {
      const D = bookableDay(20);
      const a = await signUp();
      const b = await signUp();
      const admin = await signUpAdmin();
      const a1 = await bookOk(a.token, D, '09:00', '10:00');
      const a2 = await bookOk(a.token, D, '10:00', '11:00');
      const a3 = await bookOk(a.token, D, '11:00', '12:00');
      const b1 = await bookOk(b.token, D, '09:30', '10:00');
      const a4 = await bookOk(a.token, bookableDay(21), '09:00', '10:00');
      await http().post(`/reservations/${a2.id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      await http().post(`/reservations/${a4.id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      await http().post(`/reservations/${a3.id}/cancel`).auth(a.token, { type: 'bearer' }).expect(200);
      await http().post(`/reservations/${b1.id}/reject`).auth(admin.token, { type: 'bearer' }).expect(200);

      // A user's own, by status.
      expect(ids(await list(a.token, { status: 'pending' }))).toEqual([a1.id]);
      expect(ids(await list(a.token, { status: 'confirmed' }))).toEqual([a2.id, a4.id]);
      expect(ids(await list(a.token, { status: 'cancelled,pending' }))).toEqual([a1.id, a3.id]);
      expect(ids(await list(a.token, { status: 'rejected' }))).toEqual([]);
      // Admins: everyone's, one user's, and the two together with the range.
      expect(ids(await list(admin.token, { status: 'rejected' }))).toEqual([b1.id]);
      expect(ids(await list(admin.token, { user_id: b.id }))).toEqual([b1.id]);
      expect(
        ids(await list(admin.token, { user_id: a.id, status: 'confirmed,cancelled', start: D, end: D })),
      ).toEqual([a2.id, a3.id]);
      expect(ids(await list(admin.token, { user_id: 2_000_000_000 }))).toEqual([]);

      // Paging with filters: the total and every Link target carry them.
      const query = { user_id: a.id, status: 'pending,confirmed,cancelled', limit: 1, page: 2 };
      const page = await list(admin.token, query);
      expect(page.status).toBe(200);
      expect(ids(page)).toEqual([a2.id]);
      expect(page.headers['x-total-count']).toBe('4');
      const links = String(page.headers.link);
      for (const rel of ['first', 'prev', 'next', 'last']) expect(links).toContain(`rel="${rel}"`);
      const targets = [...links.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], m[1]!] as const);
      expect(targets).toHaveLength(4);
      for (const [, target] of targets) {
        const params = new URL(target, 'http://x').searchParams;
        expect(params.get('user_id')).toBe(String(a.id));
        expect(params.get('status')).toBe('pending,confirmed,cancelled');
        expect(params.get('limit')).toBe('1');
      }
      const last = targets.find(([rel]) => rel === 'last')![1];
      expect(new URL(last, 'http://x').searchParams.get('page')).toBe('4');
      // Following `next` gives the next page of the same filtered list.
      const next = targets.find(([rel]) => rel === 'next')![1];
      const followed = await http().get(next).auth(admin.token, { type: 'bearer' });
      expect(ids(followed)).toEqual([a3.id]);
      expect(followed.headers['x-total-count']).toBe('4');
    });

    it.each([
      'unknown',
      'Pending',
      'pending,',
      ',pending',
      'pending,,confirmed',
      'pending, confirmed',
      'pending,pending',
      '',
    ])('refuses status=%j with 400 naming status', async (status) => {
      const user = await signUp();
      expectFieldError(await list(user.token, { status }), 'status');
    });

    it('refuses status sent twice, and a bad user_id from an admin, with 400', async () => {
      const admin = await signUpAdmin();
      expectFieldError(
        await http()
          .get('/reservations?status=pending&status=confirmed')
          .auth(admin.token, { type: 'bearer' }),
        'status',
      );
      for (const userId of ['0', '-1', 'abc', '1.5', '3000000000']) {
        expectFieldError(await list(admin.token, { user_id: userId }), 'user_id');
      }
    });

    it('refuses user_id from a user with 403, even their own id, even a malformed one', async () => {
      const user = await signUp();
      for (const userId of [String(user.id), '1', 'abc']) {
        expectProblem(await list(user.token, { user_id: userId }), 403, 'forbidden');
      }
    });
  });

  describe('GET /reservations/export', () => {
    const { http, app, signUp, signUpAdmin, bookOk, store } = useHttpApi(makeStore);
    const exportCsv = (token: string, query: Record<string, unknown>) =>
      http()
        .get('/reservations/export')
        .query(query)
        .auth(token, { type: 'bearer' })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          // Problems are JSON, as everywhere; the export itself is kept as text.
          res.on('end', () =>
            done(null, /json/.test(String(res.headers['content-type'])) ? JSON.parse(text) : text),
          );
        });

    /** Inserts reservations straight into the store (many at once, names the API would refuse). */
    async function seed(drafts: readonly NewReservation[]) {
      return store().uow.run((s) => s.reservations.insertAll(drafts));
    }
    const draft = (
      userId: number,
      day: string,
      from: string,
      to: string,
      fields: Partial<NewReservation> = {},
    ) =>
      ({
        userId,
        reservationName: 'R',
        start: seoul(day, from),
        end: seoul(day, to),
        numberOfPeople: 10,
        status: 'pending',
        createdAt: Date.parse('2026-11-19T01:02:03.456Z'),
        updatedAt: Date.parse('2026-11-19T01:02:03.456Z'),
        ...fields,
      }) satisfies NewReservation;

    it('is 401 without a token, 403 for a user, and refuses unknown parameters and bad dates with 400', async () => {
      const D = bookableDay(30);
      expectProblem(
        await http().get('/reservations/export').query({ start: D, end: D }),
        401,
        'unauthorized',
      );
      const user = await signUp();
      expectProblem(await exportCsv(user.token, { start: D, end: D }), 403, 'forbidden');
      const admin = await signUpAdmin();
      const cases: [string, Record<string, unknown>][] = [
        ['start', { end: D }],
        ['end', { start: D }],
        ['start', { start: '2026-02-30', end: '2026-03-01' }],
        ['start', { start: '2026/12/01', end: '2026-12-02' }],
        ['end', { start: '2026-12-02', end: '2026-12-01' }],
        ['end', { start: '2026-01-01', end: '2027-01-02' }],
        ['status', { start: D, end: D, status: 'open' }],
        ['status', { start: D, end: D, status: 'pending,pending' }],
        ['limit', { start: D, end: D, limit: 10 }],
        ['user_id', { start: D, end: D, user_id: 1 }],
      ];
      for (const [path, query] of cases) expectFieldError(await exportCsv(admin.token, query), path);
      // 366 days is the longest range.
      const longest = await exportCsv(admin.token, { start: '2026-01-01', end: '2027-01-01' });
      expect(longest.status).toBe(200);
    });

    it('writes a header row and one row per overlapping reservation, in list order, times as JSON writes them', async () => {
      const D = bookableDay(31);
      const user = await signUp();
      const admin = await signUpAdmin();
      const late = await bookOk(user.token, D, '12:00', '13:00', 7);
      const early = await bookOk(user.token, D, '09:00', '10:00');
      const crossing = await bookOk(user.token, bookableDay(30), '23:00', `23:50`);
      await bookOk(user.token, bookableDay(32), '09:00', '10:00');
      await http().post(`/reservations/${late.id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const night = await http()
        .post('/reservations')
        .auth(user.token, { type: 'bearer' })
        .send({ reservation_name: 'Night', start: `${D} 00:00`, end: `${D} 00:30`, number_of_people: 1 });
      expect(night.status).toBe(201);
      expect(crossing.id).toBeGreaterThan(0);

      const res = await exportCsv(admin.token, { start: D, end: D });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"$/);
      const text = res.body as string;
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
      const rows = parseCsv(text);
      expect(rows[0]!.join(',')).toBe(HEADER);
      expect(rows.slice(1).map((r) => Number(r[0]))).toEqual([night.body.id, early.id, late.id]);
      // Each row is the JSON answer's fields, in the header's order.
      for (const row of rows.slice(1)) {
        const json = await http().get(`/reservations/${row[0]}`).auth(admin.token, { type: 'bearer' });
        expect(row).toEqual(HEADER.split(',').map((field) => String(json.body[field])));
      }
      expect(rows[3]).toMatchObject({ 3: `${D}T12:00:00+09:00`, 5: '7', 6: 'confirmed' });

      const confirmed = parseCsv(
        (await exportCsv(admin.token, { start: D, end: D, status: 'confirmed' })).body,
      );
      expect(confirmed.slice(1).map((r) => Number(r[0]))).toEqual([late.id]);
      const some = parseCsv(
        (await exportCsv(admin.token, { start: D, end: bookableDay(32), status: 'pending,cancelled' })).body,
      );
      expect(some.slice(1).map((r) => r[6])).toEqual(['pending', 'pending', 'pending']);
      const empty = await exportCsv(admin.token, { start: bookableDay(200), end: bookableDay(200) });
      expect(empty.body).toBe(`${HEADER}\r\n`);
    });

    it('quotes commas, quotes and line breaks, and makes formula-like cells safe', async () => {
      const D = bookableDay(33);
      const user = await signUp();
      const admin = await signUpAdmin();
      const names = [
        'plain',
        'a, b',
        'say "hi"',
        'two\nlines',
        'cr\r\nlf',
        '=SUM(A1:A9)',
        '+1',
        '-2',
        '@cmd',
        '\tTab',
        '\rCR',
        '=HYPERLINK("http://x","a,b")',
        "'already",
        '시험 ✓',
      ];
      await seed(
        names.map((name, i) =>
          draft(user.id, D, '10:00', '11:00', { reservationName: name, numberOfPeople: i + 1 }),
        ),
      );
      const text = (await exportCsv(admin.token, { start: D, end: D })).body as string;
      expect(text).toContain(',"a, b",');
      expect(text).toContain(',"say ""hi""",');
      expect(text).toContain(',"two\nlines",');
      expect(text).toContain(',"cr\r\nlf",');
      expect(text).toContain(",'=SUM(A1:A9),");
      expect(text).toContain(",'+1,");
      expect(text).toContain(",'-2,");
      expect(text).toContain(",'@cmd,");
      expect(text).toContain(",'\tTab,");
      expect(text).toContain(`,"'\rCR",`);
      expect(text).toContain(`,"'=HYPERLINK(""http://x"",""a,b"")",`);
      const rows = parseCsv(text);
      expect(rows.slice(1).map((r) => r[2])).toEqual([
        'plain',
        'a, b',
        'say "hi"',
        'two\nlines',
        'cr\r\nlf',
        "'=SUM(A1:A9)",
        "'+1",
        "'-2",
        "'@cmd",
        "'\tTab",
        "'\rCR",
        '\'=HYPERLINK("http://x","a,b")',
        "'already",
        '시험 ✓',
      ]);
      for (const row of rows) expect(row).toHaveLength(9);
    });

    it('streams an export of thousands of rows, read in pages, every row once in order', async () => {
      const D = bookableDay(40);
      const user = await signUp();
      const admin = await signUpAdmin();
      const count = 3_210;
      const drafts = Array.from({ length: count }, (_, i) => {
        const minutes = (i * 7) % (24 * 60 - 10);
        const from = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        const start = seoul(D, from) - (minutes % 10) * 60_000;
        return {
          ...draft(user.id, D, '00:00', '00:10', { reservationName: `bulk ${i}` }),
          start,
          end: start + 600_000,
        };
      });
      const inserted = [];
      for (let i = 0; i < drafts.length; i += 1000) inserted.push(...(await seed(drafts.slice(i, i + 1000))));
      const expected = [...inserted].sort((a, b) => a.start - b.start || a.id - b.id).map((r) => r.id);
      const res = await exportCsv(admin.token, { start: D, end: D });
      expect(res.status).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      const rows = parseCsv(res.body as string);
      expect(rows).toHaveLength(count + 1);
      expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(expected);
    });

    it('survives a client that goes away mid-export, and serves the next one', async () => {
      const D = bookableDay(41);
      const user = await signUp();
      const admin = await signUpAdmin();
      const drafts = Array.from({ length: 4_000 }, (_, i) =>
        draft(user.id, D, '10:00', '11:00', { reservationName: `gone ${i} ${'x'.repeat(200)}` }),
      );
      for (let i = 0; i < drafts.length; i += 1000) await seed(drafts.slice(i, i + 1000));
      const url = new URL(`/reservations/export?start=${D}&end=${D}`, app().url);
      const got = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(url, { headers: { authorization: `Bearer ${admin.token}` } }, (res) => {
          res.once('data', (chunk: Buffer) => {
            // One chunk read, then gone, with the rest of the export still to come.
            res.pause();
            req.destroy();
            resolve(chunk.length);
          });
        });
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
        req.end();
      });
      expect(got).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await http().get('/healthz')).status).toBe(200);
      const again = await exportCsv(admin.token, { start: D, end: D });
      expect(again.status).toBe(200);
      expect(parseCsv(again.body as string)).toHaveLength(4_001);
    });
  });
}
