import { randomBytes } from 'node:crypto';
import type { LookupAddress, LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type {
  SendResult,
  WebhookMessage,
  WebhookTarget,
  WebhookTransport,
} from '@exam-reservation/application';
import { formatInstant, ValidationError } from '@exam-reservation/domain';
import { Webhook } from 'standardwebhooks';
import { present } from '../presenters.js';
import {
  checkedAddresses,
  type HostResolver,
  RefusedAddressError,
  systemResolver,
} from './address-policy.js';

/** Longest URL an endpoint may have. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Settings of {@link NodeWebhookTransport}. */
export interface NodeWebhookTransportOptions {
  /** APP_TIMEZONE: times in payloads carry its offset, as in the API's answers. */
  readonly timeZone: string;
  /** Send to loopback, private and other non-public addresses too (WEBHOOK_ALLOW_PRIVATE). */
  readonly allowPrivate: boolean;
  /** How long an attempt may take, connection to the end of the answer (default 20 s). */
  readonly timeoutMs?: number;
  /** How host names are resolved (default the system's; tests give a stub). */
  readonly resolver?: HostResolver;
  /** Connections per endpoint (default 16, as many as attempts in flight per endpoint). */
  readonly maxSocketsPerEndpoint?: number;
}

/** Bytes of an answer read (and thrown away) before the connection is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Webhooks over node's http and https, in the Standard Webhooks format
 * (signed with the `standardwebhooks` package), guarded against requests to
 * addresses the deployment does not send to (SSRF).
 *
 * The guard holds at connection time, against DNS rebinding: the socket's
 * `lookup` resolves the name once, checks every address, and hands only
 * checked addresses to the connection, so the name cannot resolve
 * differently between the check and the connect. IP literals are checked
 * before the request, as node connects to them without a lookup. Redirects
 * are not followed (a 3xx is a failed attempt).
 */
export class NodeWebhookTransport implements WebhookTransport {
  private readonly resolver: HostResolver;
  private readonly timeoutMs: number;
  private readonly signers = new Map<string, Webhook>();
  /**
   * A connection pool per endpoint, not per host: endpoints on one host and
   * port would otherwise share one pool, and a slow one's attempts would hold
   * every connection while the others' waited in its queue, with their
   * timeout running, and failed without ever being sent.
   */
  private readonly agents = new Map<string, http.Agent>();
  private readonly agentOptions: http.AgentOptions;
  private readonly lookup: (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

  constructor(private readonly options: NodeWebhookTransportOptions) {
    this.resolver = options.resolver ?? systemResolver;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.agentOptions = { keepAlive: true, maxSockets: options.maxSocketsPerEndpoint ?? 16, timeout: 60_000 };
    this.lookup = (hostname, lookupOptions, callback) => {
      checkedAddresses(hostname, this.resolver, this.options.allowPrivate).then(
        (addresses) => {
          const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
          const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
          if (usable.length === 0) {
            callback(
              Object.assign(new Error(`${hostname} has no IPv${wanted} address`), { code: 'ENOTFOUND' }),
              '',
            );
            return;
          }
          if (lookupOptions.all)
            callback(
              null,
              usable.map((a) => ({ address: a.address, family: a.family })),
            );
          else callback(null, usable[0]!.address, usable[0]!.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, ''),
      );
    };
  }

  async checkUrl(raw: string): Promise<string> {
    const url = parseUrl(raw);
    try {
      await checkedAddresses(url.hostname, this.resolver, this.options.allowPrivate);
    } catch (error) {
      if (error instanceof RefusedAddressError) {
        throw ValidationError.of(
          'url',
          `${error.message}: webhooks are only sent to hosts on the public internet (WEBHOOK_ALLOW_PRIVATE is off)`,
        );
      }
      throw ValidationError.of('url', `cannot resolve ${url.hostname}`);
    }
    return url.href;
  }

  newSecret(): string {
    return `whsec_${randomBytes(32).toString('base64')}`;
  }

  /**
   * The body of a message: `{type, timestamp, data}`, the reservation as the
   * API shows it; a rejection or a cancellation also carries its `reason`
   * (or null), as the history does.
   */
  payload(message: WebhookMessage): string {
    const zone = this.options.timeZone;
    const withReason = message.type === 'reservation.rejected' || message.type === 'reservation.cancelled';
    return JSON.stringify({
      type: message.type,
      timestamp: formatInstant(message.at, zone),
      data: present.reservation(message.reservation, zone),
      ...(withReason ? { reason: message.reason } : {}),
    });
  }

  send(target: WebhookTarget, message: WebhookMessage): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const failed = (error: string): SendResult => ({ kind: 'failed', error, durationMs: elapsed() });
    let url: URL;
    try {
      url = parseUrl(target.url);
    } catch {
      return Promise.resolve(failed('the endpoint URL is no longer valid'));
    }
    const body = this.payload(message);
    // One instant for the signature and the header: read twice, a second could tick between the
    // two reads, and the receiver would then refuse a genuine message (about 1 in 56,000).
    const now = new Date();
    const signature = this.signer(target.secret).sign(message.id, now, body);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const secure = url.protocol === 'https:';
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: this.agentFor(target.endpointId, secure),
        lookup: this.lookup,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'exam-reservation-webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': timestamp,
          'webhook-signature': signature,
        },
      });
      const timer = setTimeout(() => {
        request.destroy();
        finish(failed(`timed out after ${Math.round(this.timeoutMs / 1000)} s`));
      }, this.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => finish(failed(describe(error))));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_ANSWER_BYTES) {
            response.destroy();
            finish({ kind: 'answered', status, durationMs: elapsed() });
          }
        });
        response.on('end', () => finish({ kind: 'answered', status, durationMs: elapsed() }));
        response.on('error', () => finish({ kind: 'answered', status, durationMs: elapsed() }));
      });
      // An IP literal is connected to without a lookup: check it here.
      checkedAddresses(url.hostname, async () => [], this.options.allowPrivate).then(
        () => request.end(body),
        (error: NodeJS.ErrnoException) => {
          if (error instanceof RefusedAddressError) {
            request.destroy();
            finish(failed(describe(error)));
          } else request.end(body); // a name: the lookup checks it
        },
      );
    });
  }

  /** Closes kept-alive connections. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** The endpoint's pool, for its URL's scheme. */
  private agentFor(endpointId: number, secure: boolean): http.Agent {
    const key = `${endpointId} ${secure ? 'https' : 'http'}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // Endpoints come and go (at most 100 at once): forget the oldest pools past a bound.
      if (this.agents.size >= 256) {
        const [oldest, pool] = this.agents.entries().next().value!;
        pool.destroy();
        this.agents.delete(oldest);
      }
      agent = secure ? new https.Agent(this.agentOptions) : new http.Agent(this.agentOptions);
      this.agents.set(key, agent);
    }
    return agent;
  }

  private signer(secret: string): Webhook {
    let signer = this.signers.get(secret);
    if (!signer) {
      if (this.signers.size >= 1000) this.signers.clear();
      signer = new Webhook(secret);
      this.signers.set(secret, signer);
    }
    return signer;
  }
}

/**
 * A URL an endpoint may have: http or https, a host, no user name or
 * password, no fragment, at most {@link MAX_WEBHOOK_URL_LENGTH} characters.
 * @throws ValidationError on path `url`
 */
export function parseUrl(raw: string): URL {
  const refuse = (message: string) => ValidationError.of('url', message);
  if (raw.length > MAX_WEBHOOK_URL_LENGTH)
    throw refuse(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must be an http or https URL');
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password');
  if (url.hostname === '') throw refuse('must name a host');
  if (raw.includes('#')) throw refuse('must not have a fragment');
  return url;
}

/** A failed attempt in a few words, for the deliveries list. */
function describe(error: NodeJS.ErrnoException): string {
  if (error instanceof RefusedAddressError) return `refused: ${error.message}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'cannot resolve the host';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return (error.code ? `${error.code}: ${error.message}` : error.message).slice(0, 200);
  }
}
