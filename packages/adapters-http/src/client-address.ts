import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client address as log-in throttling counts it: an IPv4 address as is
 * (also when it arrives IPv4-mapped, `::ffff:1.2.3.4`), an IPv6 address by
 * its /64 prefix — one subscriber's network, where every host has 2^64
 * addresses to rotate through.
 */
export function throttlingAddress(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
