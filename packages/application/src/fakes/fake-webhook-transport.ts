import { ValidationError } from '@exam-reservation/domain';
import type { SendResult, WebhookMessage, WebhookTarget, WebhookTransport } from '../ports/index.js';

/**
 * A transport that sends nothing: it records every attempt and answers what
 * it is told to (200 by default). URLs must be http(s); hosts listed in
 * `refusedHosts` are refused as the real transport refuses private ones.
 */
export class FakeWebhookTransport implements WebhookTransport {
  readonly sent: { target: WebhookTarget; message: WebhookMessage }[] = [];
  readonly refusedHosts = new Set<string>(['localhost', '127.0.0.1', '10.0.0.1']);
  private secrets = 0;

  /** What each attempt gets; replace it to script a receiver. */
  answer: (target: WebhookTarget, message: WebhookMessage) => SendResult | Promise<SendResult> = () => ({
    kind: 'answered',
    status: 200,
    durationMs: 1,
  });

  async checkUrl(url: string): Promise<string> {
    const match = /^https?:\/\/([^/:?#]+)/.exec(url);
    if (!match) throw ValidationError.of('url', 'must be an http or https URL');
    if (this.refusedHosts.has(match[1]!)) throw ValidationError.of('url', 'resolves to a private address');
    return url;
  }

  newSecret(): string {
    this.secrets++;
    return `whsec_${btoa(`fake-secret-${String(this.secrets).padStart(8, '0')}`)}`;
  }

  async send(target: WebhookTarget, message: WebhookMessage): Promise<SendResult> {
    this.sent.push({ target, message });
    return this.answer(target, message);
  }
}
