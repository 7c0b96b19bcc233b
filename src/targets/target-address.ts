import { isIP } from 'node:net';
import type { Config } from '../config.ts';
import { createAddressGuard } from '../net/guarded-lookup.ts';
import { bareHost, isPrivateAddress } from '../net/private-address.ts';

/** Something worth knowing about a target that was added all the same; `--json` carries these as `warnings`. */
export interface TargetWarning {
  code: 'private_network';
  message: string;
}

/** A target host on a private or loopback network, with the private addresses it has. */
export interface PrivateHost {
  host: string;
  addresses: string[];
}

/** Hosts and networks a warning names at most: an import may hold thousands. */
const NAMED = 10;

/**
 * The host of `url` with its private addresses when it is on a private or loopback network that this process's
 * settings allow; null when it is public, does not resolve, or nothing private is allowed here (then
 * `assertUrlAllowed` has refused it already).
 */
export async function privateHostOf(url: string, config: Config): Promise<PrivateHost | null> {
  if (!config.allowPrivateNetworks && config.allowedNetworks.length === 0) return null;
  const host = new URL(url).hostname;
  try {
    const resolved = await createAddressGuard({ allowPrivateNetworks: true, dnsServers: config.dnsServers }).resolve(host);
    const addresses = [...new Set(resolved.map((a) => a.address).filter(isPrivateAddress))];
    return addresses.length > 0 ? { host: bareHost(host), addresses } : null;
  } catch {
    // A host that does not resolve is the capture's to report (a `dns` error), not a private network.
    return null;
  }
}

function listed(items: string[], separator = ', '): string {
  return items.length > NAMED ? `${items.slice(0, NAMED).join(separator)}${separator}… (${items.length} in all)` : items.join(separator);
}

/**
 * The warning that targets on private networks were accepted only because of this process's own settings: the
 * process that captures them needs the same, or refuses every capture. Null when `hosts` is empty.
 */
export function privateNetworkWarning(hosts: PrivateHost[], config: Config): TargetWarning | null {
  if (hosts.length === 0) return null;
  const setting = config.allowPrivateNetworks ? 'SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true' : `SCRUBWATCH_ALLOWED_NETWORKS=${config.allowedNetworks.join(',')}`;
  const networks = [...new Set(hosts.flatMap((h) => h.addresses))].map((a) => `${a}/${isIP(a) === 6 ? 128 : 32}`);
  const one = hosts[0]!;
  // A literal address names itself; a name is followed by what it resolved to.
  const resolved = one.addresses.length === 1 && one.addresses[0] === one.host ? '' : ` (${listed(one.addresses)})`;
  const where = hosts.length === 1 ? `${one.host} is on a private network${resolved}` : `${hosts.length} hosts are on private networks (${listed(hosts.map((h) => h.host))})`;
  return {
    code: 'private_network',
    message:
      `${where}, allowed here by this command's ${setting}: the scrubwatch process that captures (start or worker) ` +
      `needs SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true or SCRUBWATCH_ALLOWED_NETWORKS=${listed(networks, ',')} in its environment too, or it refuses every capture (blocked_url)`,
  };
}
