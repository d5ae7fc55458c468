import { describe, expect, it } from 'vitest';
import { throttlingAddress } from './client-address.js';

describe('throttlingAddress', () => {
  it('keeps IPv4 addresses, also IPv4-mapped ones', () => {
    expect(throttlingAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttlingAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttlingAddress('::FFFF:127.0.0.2')).toBe('127.0.0.2');
  });

  it('counts an IPv6 client by its /64, however the address is written', () => {
    const net = '2001:db8:aa:bb::/64';
    expect(throttlingAddress('2001:db8:aa:bb::1')).toBe(net);
    expect(throttlingAddress('2001:0db8:00aa:00bb:ffff:1:2:3')).toBe(net);
    expect(throttlingAddress('2001:db8:aa:bb:1::')).toBe(net);
    expect(throttlingAddress('2001:db8:aa:bc::1')).not.toBe(net);
    expect(throttlingAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttlingAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('names a missing address', () => {
    expect(throttlingAddress(undefined)).toBe('unknown');
  });
});
