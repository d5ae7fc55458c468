import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';

/** One request a receiver got. */
export interface Hook {
  readonly id: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  // biome-ignore lint/suspicious/noExplicitAny: payloads are checked field by field
  readonly payload: any;
}

/** What the receiver answers: a status, or `hold` to keep the request open until told otherwise. */
export type Answer = number | 'hold';

/**
 * A webhook receiver on loopback, the only place the tests send webhooks
 * to: it records every request and answers as `answer` says (by the
 * request's webhook-id and how many times that id came before).
 */
export async function startReceiver(answer: (id: string, seen: number) => Answer = () => 204) {
  const hooks: Hook[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += String(chunk);
    });
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const seen = hooks.filter((h) => h.id === id).length;
      hooks.push({ id, headers: req.headers, body, payload: JSON.parse(body) });
      const status = answer(id, seen);
      if (status === 'hold') held.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    held,
    /** Every request of a type, in arrival order. */
    of: (type: string) => hooks.filter((h) => h.payload.type === type),
    /** Checks every request's signature with the standardwebhooks package. */
    verifyAll(secret: string): void {
      const wh = new Webhook(secret);
      for (const hook of hooks) {
        expect(wh.verify(hook.body, hook.headers as Record<string, string>)).toEqual(hook.payload);
      }
    },
    close: async () => {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
