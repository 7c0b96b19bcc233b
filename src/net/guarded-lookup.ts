import { Resolver, lookup as systemLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { BlockedUrlError } from '../errors/index.ts';
import { compilePolicy, howToAllow, type NetworkPolicy } from './network-policy.ts';
import { bareHost, isLocalhostName } from './private-address.ts';

export const DEFAULT_DNS_TIMEOUT_MS = 5_000;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves host names and refuses the ones the policy forbids. Every connection scrubwatch makes for a target or
 * a webhook goes to an address this guard returned, so a name cannot pass the check with one answer and then be
 * connected to with another (DNS rebinding): nothing resolves it a second time.
 */
export interface AddressGuard {
  /**
   * All addresses of `hostname` (a URL host; IPv6 brackets allowed), each allowed by the policy. Throws
   * BlockedUrlError when any of them is not, or an Error with a Node DNS `code` (`ENOTFOUND`, or `EAI_AGAIN` for a
   * timeout or a failing server) when the name does not resolve in time.
   */
  resolve(hostname: string): Promise<ResolvedAddress[]>;
  /** Like resolve, but only for literal IPs and localhost names: null for a name that needs DNS. */
  checkLiteral(hostname: string): ResolvedAddress[] | null;
  /** `resolve` as a `lookup` for net.connect, http.request and undici's connector. */
  lookup: LookupFunction;
}

/** Node's own shape for DNS failures, so the callers' error-code mapping applies unchanged. */
function dnsError(code: 'ENOTFOUND' | 'EAI_AGAIN', hostname: string, message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code, hostname, syscall: 'getaddrinfo' });
}

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

/** The answers of the given DNS servers, A and AAAA together. */
async function askServers(resolver: Resolver, host: string): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (addresses.length > 0) return addresses;
  const errors = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as NodeJS.ErrnoException] : []));
  const missing = errors.length === 0 || errors.some((e) => e.code === 'ENOTFOUND' || e.code === 'ENODATA');
  if (missing) throw dnsError('ENOTFOUND', host, `${host} does not resolve (no A or AAAA record)`, errors[0]);
  throw dnsError('EAI_AGAIN', host, `the DNS servers failed to resolve ${host}: ${errors[0]?.code ?? 'no answer'}`, errors[0]);
}

async function askSystem(host: string): Promise<string[]> {
  try {
    return (await systemLookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME') throw dnsError('ENOTFOUND', host, `${host} does not resolve`, err);
    throw dnsError('EAI_AGAIN', host, `resolving ${host} failed: ${code ?? String(err)}`, err);
  }
}

/**
 * A guard for `policy`. Names are resolved by the system (getaddrinfo) or, when `policy.dnsServers` is set, by those
 * servers; either must answer within `dnsTimeoutMs`. `localhost` names never reach DNS: they are loopback.
 */
export function createAddressGuard(policy: NetworkPolicy, dnsTimeoutMs: number = DEFAULT_DNS_TIMEOUT_MS): AddressGuard {
  const compiled = compilePolicy(policy);
  const servers = policy.dnsServers ?? [];
  let resolver: Resolver | undefined;
  if (servers.length > 0) {
    resolver = new Resolver({ timeout: dnsTimeoutMs, tries: 1 });
    resolver.setServers([...servers]);
  }

  const checked = (host: string, addresses: string[]): ResolvedAddress[] => {
    for (const address of addresses) {
      if (compiled.allows(address)) continue;
      const via = address === host ? '' : ` resolves to ${address}, which`;
      throw new BlockedUrlError(`${host}${via} is a private or reserved address; ${howToAllow(address)}`);
    }
    return addresses.map((address) => ({ address, family: familyOf(address) }));
  };

  const checkLiteral = (hostname: string): ResolvedAddress[] | null => {
    const host = bareHost(hostname).toLowerCase();
    if (isIP(host) !== 0) return checked(host, [host]);
    if (isLocalhostName(host)) return checked(host, ['127.0.0.1', '::1']);
    return null;
  };

  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    const literal = checkLiteral(hostname);
    if (literal) return literal;
    const host = bareHost(hostname).toLowerCase().replace(/\.$/, '');
    if (host === '') throw dnsError('ENOTFOUND', hostname, 'an empty host name does not resolve');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      // The resolver's own timeout ends its query; cancel() would end every other host's query too.
      timer = setTimeout(() => reject(dnsError('EAI_AGAIN', host, `no DNS answer for ${host} within ${dnsTimeoutMs} ms`)), dnsTimeoutMs);
    });
    try {
      const addresses = await Promise.race([resolver ? askServers(resolver, host) : askSystem(host), late]);
      if (addresses.length === 0) throw dnsError('ENOTFOUND', host, `${host} does not resolve`);
      return checked(host, addresses);
    } finally {
      clearTimeout(timer);
    }
  };

  const lookup: LookupFunction = (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname).then(
      (all) => {
        const addresses = wanted === 0 ? all : all.filter((a) => a.family === wanted);
        const first = addresses[0];
        if (!first) callback(dnsError('ENOTFOUND', hostname, `${hostname} has no IPv${wanted} address`), '', 0);
        else if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  return { resolve, checkLiteral, lookup };
}
