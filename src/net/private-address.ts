import { isIP } from 'node:net';
import { InvalidInputError } from '../errors/index.ts';

function parseIPv4(ip: string): number[] | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : null;
}

/** Eight 16-bit groups, or null. Accepts `::` compression, a trailing dotted IPv4 part and a `%zone`. */
function parseIPv6(input: string): number[] | null {
  let ip = input.split('%')[0] ?? '';
  const lastColon = ip.lastIndexOf(':');
  if (ip.includes('.', lastColon)) {
    const v4 = parseIPv4(ip.slice(lastColon + 1));
    if (!v4) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    ip = `${ip.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
    return groups.some(Number.isNaN) ? null : groups;
  };
  const head = toGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const known = head.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...tail];
}

function isPrivateIPv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 || // "this network", including the unspecified 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, including cloud metadata services
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224 // multicast, reserved and broadcast
  );
}

function isPrivateIPv6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedV4 = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0 && g6 === 0) return true; // :: and ::1 (and the rest of ::/112)
  // IPv4-mapped, IPv4-compatible and NAT64 addresses reach whatever IPv4 address they carry.
  if (firstFiveZero && (g5 === 0xffff || g5 === 0)) return isPrivateIPv4(embeddedV4);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPrivateIPv4(embeddedV4);
  if (g0 === 0x2002) return isPrivateIPv4([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]); // 6to4
  return (
    (g0 & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (g0 & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (g0 & 0xffc0) === 0xfec0 || // deprecated site-local fec0::/10
    (g0 & 0xff00) === 0xff00 || // multicast
    (g0 === 0x2001 && g1 === 0x0db8) || // documentation
    (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) // discard prefix
  );
}

/** A URL host name without the brackets of an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Whether an IP address (v4 or v6, brackets allowed) is loopback, private, link-local, CGNAT, unique-local,
 * unspecified, multicast or otherwise reserved, including IPv4 addresses wrapped in IPv6 forms.
 * Throws InvalidInputError when the string is not an IP address at all.
 */
export function isPrivateAddress(ip: string): boolean {
  const bare = bareHost(ip);
  const v4 = isIP(bare) === 4 ? parseIPv4(bare) : null;
  if (v4) return isPrivateIPv4(v4);
  const v6 = bare.includes(':') ? parseIPv6(bare) : null;
  if (v6) return isPrivateIPv6(v6);
  throw new InvalidInputError('ip', `"${ip}" is not an IPv4 or IPv6 address`);
}

/** `localhost` and its subdomains, which resolvers answer with loopback (some without asking DNS at all). */
export function isLocalhostName(hostname: string): boolean {
  const bare = bareHost(hostname).toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost');
}

/**
 * Whether a URL host name is private without asking DNS: a private or reserved literal IP (brackets allowed), or
 * `localhost` and its subdomains.
 */
export function isPrivateHost(hostname: string): boolean {
  if (isLocalhostName(hostname)) return true;
  const bare = bareHost(hostname);
  return isIP(bare) !== 0 && isPrivateAddress(bare);
}
