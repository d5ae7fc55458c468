/**
 * The HTTP ceiling: a bare Node server answering a fixed JSON body, driven
 * by the same driver as the API. Prints its port on stdout.
 */
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
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
