import type { Response } from 'express';

/** The client closed its connection before its answer was written: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before the answer');
    this.name = 'ClientGoneError';
  }
}

/**
 * A signal aborted, with {@link ClientGoneError}, when the connection of `res`
 * closes before its answer was written, so that work still queued for the
 * request (a password to hash) is dropped.
 */
export function clientGoneSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new ClientGoneError());
  });
  return controller.signal;
}
