import { type Actor, assertAdmin, NotFoundError } from '@exam-reservation/domain';
import type { UnitOfWork, WebhookDelivery } from '../ports/index.js';

/** An admin looks at an endpoint's most recent messages and their attempts. */
export class ListWebhookDeliveries {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /**
   * @param command.limit most messages, newest first (1–100)
   * @throws ForbiddenError (before any lookup) | NotFoundError
   */
  async execute(command: { actor: Actor; id: number; limit: number }): Promise<WebhookDelivery[]> {
    assertAdmin(command.actor, 'manage webhooks');
    const limit = Math.min(100, Math.max(1, Math.trunc(command.limit)));
    return this.deps.uow.read(async (stores) => {
      if (!(await stores.webhookEndpoints.get(command.id)))
        throw new NotFoundError('webhook endpoint not found');
      return stores.webhookEndpoints.deliveries(command.id, limit);
    });
  }
}
