import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostRefusal } from './host-header.js';

/** A request as Node parses it: `headers.host` is the first Host line, `rawHeaders` every line. */
const request = (lines: [string, string][], httpVersion = '1.1') =>
  ({
    httpVersion,
    rawHeaders: lines.flat(),
    headers: { host: lines.find(([name]) => name.toLowerCase() === 'host')?.[1] },
  }) as unknown as IncomingMessage;

describe('hostRefusal', () => {
  it.each([
    ['a name and port', [['Host', 'api.example:8080']]],
    ['an IPv4 address', [['host', '127.0.0.1']]],
    ['a bracketed IPv6 address and port', [['Host', '[::1]:3000']]],
    ['an empty value', [['Host', '']]],
  ] as [string, [string, string][]][])('takes %s', (_, lines) => {
    expect(hostRefusal(request(lines))).toBeUndefined();
  });

  it.each([
    ['none in HTTP/1.1', [], /needs a Host/],
    [
      'two lines',
      [
        ['Host', 'a.example'],
        ['HOST', 'evil.example'],
      ],
      /one Host/,
    ],
    ['a space and a slash', [['Host', 'a b/c']], /not a host/],
    ['userinfo', [['Host', 'user@a.example']], /not a host/],
    ['a port that is not a number', [['Host', 'a.example:http']], /not a host/],
  ] as [string, [string, string][], RegExp][])('refuses %s', (_, lines, why) => {
    expect(hostRefusal(request(lines))).toMatch(why);
  });

  it('takes HTTP/1.0 without one', () => {
    expect(hostRefusal(request([], '1.0'))).toBeUndefined();
  });
});
