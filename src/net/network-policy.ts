import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isPrivateAddress } from './private-address.ts';

/** Which addresses scrubwatch may connect to on behalf of a target or a webhook, and how it resolves names. */
export interface NetworkPolicy {
  /** Every address is allowed: loopback, private, link-local, metadata services (tests and demos only). */
  allowPrivateNetworks: boolean;
  /** CIDRs (`10.1.2.0/24`, `127.0.0.1/32`, `fd00::/8`, or a bare address) allowed although private or reserved. */
  allowedNetworks?: readonly string[];
  /** DNS servers (`ip` or `ip:port`) asked instead of the system resolver; empty or unset: the system's getaddrinfo. */
  dnsServers?: readonly string[];
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Whether `value` is a CIDR or a single address the allow-list accepts: dotted-quad IPv4 or IPv6, prefix optional. */
export function isValidNetwork(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  if (rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return false;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !ipaddr.IPv6.isValid(address)) return false;
  return bits === undefined || Number(bits) <= (v4 ? 32 : 128);
}

function parseNetwork(value: string): Cidr {
  if (value.includes('/')) return ipaddr.parseCIDR(value);
  const address = ipaddr.parse(value);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** The policy in a form that answers per address; build it once per proxy, fetch or delivery. */
export interface CompiledPolicy {
  /** Whether a connection to `address` (a literal IPv4 or IPv6 address) is allowed. */
  allows(address: string): boolean;
}

/**
 * Compiles a policy. A private address is allowed when private networks are, or when one of `allowedNetworks`
 * contains it; IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`) are matched as the IPv4 address they carry.
 * Throws (from ipaddr.js) on a malformed network; the config schema refuses those at start.
 */
export function compilePolicy(policy: NetworkPolicy): CompiledPolicy {
  const networks = (policy.allowedNetworks ?? []).map(parseNetwork);
  const listed = (address: string): boolean => {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address.split('%')[0] ?? address);
    } catch {
      return false;
    }
    return networks.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
  };
  return {
    allows: (address) => policy.allowPrivateNetworks || !isPrivateAddress(address) || listed(address),
  };
}

/**
 * The sentence every refusal of `address` ends with: which settings allow it if visiting it is intended, and that
 * every process reads them itself — the one that connects (`start` or `worker`) as much as the CLI that adds targets.
 */
export function howToAllow(address: string): string {
  const cidr = `${address}/${isIP(address) === 6 ? 128 : 32}`;
  return (
    'scrubwatch only visits public sites: if watching this host is intended, set SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true ' +
    `or SCRUBWATCH_ALLOWED_NETWORKS=${cidr} (or a network around it) in the environment of the scrubwatch process that ` +
    'captures and delivers (`scrubwatch start` or `scrubwatch worker`) as well as of the command that adds targets'
  );
}

/** Whether `value` names a DNS server as Node's resolver takes it: `1.2.3.4`, `1.2.3.4:53`, `::1` or `[::1]:53`. */
export function isValidDnsServer(value: string): boolean {
  const validPort = (port: string): boolean => /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value);
  if (bracketed) return ipaddr.IPv6.isValid(bracketed[1] ?? '') && validPort(bracketed[2] ?? '');
  if (ipaddr.IPv6.isValid(value) || ipaddr.IPv4.isValidFourPartDecimal(value)) return true;
  const [host = '', port, ...rest] = value.split(':');
  return rest.length === 0 && port !== undefined && ipaddr.IPv4.isValidFourPartDecimal(host) && validPort(port);
}
