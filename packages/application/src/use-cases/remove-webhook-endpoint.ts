import { type Actor, assertAdmin, NotFoundError } from '@exam-reservation/domain';
import type { Clock, UnitOfWork } from '../ports/index.js';

/** An admin removes an endpoint: nothing more is sent to it. */
export class RemoveWebhookEndpoint {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock }) {}

  /** @throws ForbiddenError (before any lookup) | NotFoundError */
  async execute(command: { actor: Actor; id: number }): Promise<void> {
    assertAdmin(command.actor, 'manage webhooks');
    const removed = await this.deps.uow.run((stores) =>
      stores.webhookEndpoints.remove(command.id, this.deps.clock.now()),
    );
    if (!removed) throw new NotFoundError('webhook endpoint not found');
  }
}
