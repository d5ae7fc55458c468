/**
 * The HTTP ceiling: a bare Node server answering a fixed JSON body, driven
 * by the same driver as the API. Prints its port on stdout.
 *
 * `bare-server.ts <answer.json>` replays one recorded answer of the API
 * instead (`{ status, headers: [name, value, …], body: base64 }`): the same
 * status line, header lines and body bytes for every request, so that the
 * ceiling sends what the API sends.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 1,
  user_id: 1,
  reservation_name: 'bench',
  start_time: '2026-12-01T09:00:00+09:00',
  end_time: '2026-12-01T10:00:00+09:00',
  number_of_people: 25,
  status: 'confirmed',
  created_at: '2026-11-24T09:00:00+09:00',
  updated_at: '2026-11-24T09:00:00+09:00',
});
const recorded = process.argv[2]
  ? (JSON.parse(readFileSync(process.argv[2], 'utf8')) as { status: number; headers: string[]; body: string })
  : undefined;
const replayBody = recorded ? Buffer.from(recorded.body, 'base64') : undefined;
const server = createServer((_request, response) => {
  if (recorded && replayBody) {
    response.writeHead(recorded.status, recorded.headers);
    response.end(replayBody);
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
