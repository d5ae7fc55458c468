import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { WaitingListPoller } from './waiting-list-poller.js';

const logger = pino({ level: 'silent' });
const idle = { rooms: 0, confirmed: 0, leftPending: 0 };

describe('WaitingListPoller', () => {
  it('steps again at once after a step that walked a room, else waits everyMs; stop wakes it', async () => {
    let steps = 0;
    const results = [{ rooms: 1, confirmed: 2, leftPending: 0 }, idle];
    const poller = new WaitingListPoller(
      {
        execute: async () => {
          steps++;
          return results.shift() ?? idle;
        },
      },
      { everyMs: 60_000, logger },
    );
    poller.start();
    // The busy first step is followed by a second long before everyMs; the idle second then waits.
    while (steps < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(steps).toBe(2);
    await poller.stop();
    expect(steps).toBe(2);
  });

  it('waits for a step in progress before it stops, and keeps going after a failed step', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const poller = new WaitingListPoller(
      {
        execute: async () => {
          calls++;
          if (calls === 1) throw new Error('database down');
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return idle;
        },
      },
      { everyMs: 10, logger },
    );
    poller.start();
    // The failure backs off (2 × everyMs), then the second step starts and hangs.
    while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = poller.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(calls).toBe(2);
  });
});
