import { type Actor, assertAdmin } from '@exam-reservation/domain';
import type { UnitOfWork, WebhookEndpoint } from '../ports/index.js';

/** An admin lists the registered endpoints (without their secrets). */
export class ListWebhookEndpoints {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** @throws ForbiddenError */
  async execute(command: { actor: Actor }): Promise<WebhookEndpoint[]> {
    assertAdmin(command.actor, 'manage webhooks');
    return this.deps.uow.read((stores) => stores.webhookEndpoints.list());
  }
}
