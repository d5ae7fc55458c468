import { lookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type * as IpAddr from 'ipaddr.js';

// A CommonJS module whose exports node cannot name statically: required, not imported.
const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof IpAddr;

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default; a stub in tests). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), every address, in its order. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Whether an address is on the public internet: an allowlist, not a
 * blocklist. IPv4 must be ordinary unicast (not loopback 127/8, private
 * 10/8, 172.16/12 or 192.168/16, link-local 169.254/16, shared 100.64/10,
 * "this network" 0/8, documentation, benchmarking, multicast, reserved or
 * broadcast). IPv6 must be global unicast (2000::/3) outside the special
 * blocks in it (documentation, 6to4, Teredo, ORCHID…); an IPv4-mapped
 * address (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries.
 * Unparsable text is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  return parsed.range() === 'unicast' && (parsed as IpAddr.IPv6).match(GLOBAL_UNICAST_V6);
}

/** The address in a URL's host when it is an IP literal (`[::1]` → `::1`), else null. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) !== 0 ? bare : null;
}

/** `localhost` and its subdomains always mean this machine (RFC 6761), whatever a resolver says. */
export const isLocalhostName = (hostname: string): boolean => {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
};

/**
 * A host that may not be sent to. The message names the host as the admin
 * wrote it and never what it resolves to: the answer must not map an
 * internal network's names to its addresses.
 */
export class RefusedAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
  constructor(readonly hostname: string) {
    super(
      ipLiteral(hostname) === null
        ? `${hostname} is not a public host`
        : `${hostname} is not a public address`,
    );
    this.name = 'RefusedAddressError';
  }
}

/**
 * The addresses a host may be reached at: resolved once, every one of them
 * checked (unless private ones are allowed); one that is not public refuses
 * the whole host, so a name cannot slip a private address in among public ones.
 * @throws RefusedAddressError, or the resolver's error (ENOTFOUND…)
 */
export async function checkedAddresses(
  hostname: string,
  resolver: HostResolver,
  allowPrivate: boolean,
): Promise<readonly ResolvedAddress[]> {
  const literal = ipLiteral(hostname);
  if (literal !== null) {
    if (!allowPrivate && !isPublicAddress(literal)) throw new RefusedAddressError(literal);
    return [{ address: literal, family: isIP(literal) === 6 ? 6 : 4 }];
  }
  if (!allowPrivate && isLocalhostName(hostname)) throw new RefusedAddressError(hostname);
  const addresses = await resolver(hostname);
  if (addresses.length === 0) {
    throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  }
  if (!allowPrivate) {
    if (!addresses.every((a) => isPublicAddress(a.address))) throw new RefusedAddressError(hostname);
  }
  return addresses;
}
