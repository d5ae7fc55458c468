import { describe, expect, it } from 'vitest';
import {
  checkedAddresses,
  type HostResolver,
  isPublicAddress,
  RefusedAddressError,
} from './address-policy.js';

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private 10/8'],
    ['10.255.255.255', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.254', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', '"this network" 0/8'],
    ['100.64.0.1', 'shared address space 100.64/10'],
    ['100.127.255.254', 'shared address space 100.64/10'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'IPv6 unique local'],
    ['fd12:3456::1', 'IPv6 unique local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['64:ff9b::a00:1', 'NAT64 of a private address'],
    ['2002:a00:1::1', '6to4 of a private address'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['::2', 'IPv6 outside global unicast'],
    ['not an address', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('checkedAddresses', () => {
  const stub =
    (table: Record<string, string[]>): HostResolver =>
    async (host) => {
      const found = table[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const resolver = stub({
    'public.example': ['93.184.215.14', '2606:4700::6810:84e5'],
    'inside.example': ['10.1.2.3'],
    'mixed.example': ['93.184.215.14', '192.168.0.10'],
    'localhost.example': ['127.0.0.1'],
    localhost: ['93.184.215.14'],
  });

  it('resolves once and refuses a name if any of its addresses is not public', async () => {
    await expect(checkedAddresses('public.example', resolver, false)).resolves.toHaveLength(2);
    for (const host of ['inside.example', 'mixed.example', 'localhost.example']) {
      await expect(checkedAddresses(host, resolver, false), host).rejects.toBeInstanceOf(RefusedAddressError);
    }
  });

  it('says that a refused host is not public, never what it resolves to', async () => {
    for (const [host, address] of [
      ['inside.example', '10.1.2.3'],
      ['mixed.example', '192.168.0.10'],
      ['localhost.example', '127.0.0.1'],
    ] as const) {
      const error = await checkedAddresses(host, resolver, false).catch((e: Error) => e);
      expect(error).toBeInstanceOf(RefusedAddressError);
      expect((error as Error).message).toBe(`${host} is not a public host`);
      expect(JSON.stringify(error)).not.toContain(address);
      expect(Object.values(error as object)).not.toContain(address);
    }
    await expect(checkedAddresses('10.0.0.1', resolver, false)).rejects.toThrow(
      '10.0.0.1 is not a public address',
    );
  });

  it('refuses localhost and its subdomains whatever a resolver says, and private IP literals without resolving', async () => {
    let asked = 0;
    const counting: HostResolver = async (host) => {
      asked++;
      return resolver(host);
    };
    for (const host of [
      'localhost',
      'LOCALHOST.',
      'api.localhost',
      '127.0.0.1',
      '[::1]',
      '10.0.0.1',
      '[::ffff:10.0.0.1]',
    ]) {
      await expect(checkedAddresses(host, counting, false), host).rejects.toBeInstanceOf(RefusedAddressError);
    }
    expect(asked).toBe(0);
  });

  it('allows everything resolvable when private addresses are allowed', async () => {
    await expect(checkedAddresses('inside.example', resolver, true)).resolves.toEqual([
      { address: '10.1.2.3', family: 4 },
    ]);
    await expect(checkedAddresses('[::1]', resolver, true)).resolves.toEqual([{ address: '::1', family: 6 }]);
    await expect(checkedAddresses('nowhere.example', resolver, true)).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });
});
