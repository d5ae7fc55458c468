import { type Actor, assertAdmin, ConflictError, ValidationError } from '@exam-reservation/domain';
import {
  type Clock,
  type UnitOfWork,
  WEBHOOK_EVENT_TYPES,
  type WebhookEndpoint,
  type WebhookEventType,
  type WebhookTransport,
} from '../ports/index.js';

/** Most endpoints (not removed) at once: every change is queued once per endpoint. */
export const MAX_WEBHOOK_ENDPOINTS = 100;

export interface CreateWebhookEndpointCommand {
  readonly actor: Actor;
  readonly url: string;
  /** 1 to 5 distinct event types. */
  readonly events: readonly string[];
}

/** A new endpoint and its signing secret: the only time the secret is shown. */
export interface CreatedWebhookEndpoint {
  readonly endpoint: WebhookEndpoint;
  readonly secret: string;
}

/**
 * An admin registers an endpoint for some event types. Its URL must be one
 * the transport may send to (scheme, credentials, the addresses its host
 * resolves to); it gets a new signing secret.
 */
export class CreateWebhookEndpoint {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; transport: WebhookTransport }) {}

  /** @throws ForbiddenError (before anything else) | ValidationError | ConflictError (too many endpoints) */
  async execute(command: CreateWebhookEndpointCommand): Promise<CreatedWebhookEndpoint> {
    assertAdmin(command.actor, 'manage webhooks');
    const events = eventTypes(command.events);
    const url = await this.deps.transport.checkUrl(command.url);
    const secret = this.deps.transport.newSecret();
    const endpoint = await this.deps.uow.run(async (stores) => {
      if ((await stores.webhookEndpoints.count()) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new ConflictError(`at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; remove one first`);
      }
      return stores.webhookEndpoints.insert({ url, events, secret, createdAt: this.deps.clock.now() });
    });
    return { endpoint, secret };
  }
}

function eventTypes(events: readonly string[]): WebhookEventType[] {
  const known = new Set<string>(WEBHOOK_EVENT_TYPES);
  const errors = events.flatMap((e, i) =>
    known.has(e)
      ? []
      : [{ path: `events.${i}`, message: `unknown event type; one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }],
  );
  if (errors.length > 0) throw new ValidationError(errors);
  if (events.length === 0) throw ValidationError.of('events', 'must list at least one event type');
  if (new Set(events).size !== events.length) throw ValidationError.of('events', 'must not repeat a type');
  return events as WebhookEventType[];
}
