import { BlockedUrlError, InvalidInputError } from '../errors/index.ts';
import { createAddressGuard, DEFAULT_DNS_TIMEOUT_MS } from '../net/guarded-lookup.ts';
import type { NetworkPolicy } from '../net/network-policy.ts';

export { isPrivateAddress, isPrivateHost } from '../net/private-address.ts';

const MAX_URL_LENGTH = 2048;

/**
 * Puts a target URL in the one form scrubwatch stores and compares: trimmed, http(s) only, host lower-cased,
 * default port and fragment dropped, query kept byte for byte. Throws InvalidInputError (field `url`) otherwise.
 */
export function normalizeUrl(input: string): string {
  const trimmed = input.trim();
  if (trimmed.length === 0) throw new InvalidInputError('url', 'the URL is empty; give a full http:// or https:// address');
  if (trimmed.length > MAX_URL_LENGTH) {
    throw new InvalidInputError('url', `the URL is ${trimmed.length} characters long; at most ${MAX_URL_LENGTH} are accepted`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvalidInputError('url', `"${trimmed}" is not a valid URL; give a full http:// or https:// address`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError('url', `"${trimmed}" uses ${url.protocol} but only http:// and https:// pages can be watched`);
  }
  if (url.hostname === '') throw new InvalidInputError('url', `"${trimmed}" has no host name`);
  // Credentials in a watched URL would end up in logs, the database and alerts.
  if (url.username !== '' || url.password !== '') {
    throw new InvalidInputError('url', `the URL for ${url.host} contains a user name or password; remove the credentials`);
  }
  url.hash = '';
  return url.href;
}

function parsed(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InvalidInputError('url', `"${url}" is not a valid URL`);
  }
}

function hostOf(url: string): string {
  return parsed(url).hostname;
}

/** Whether `url` is an http:// or https:// address: the only kind scrubwatch ever loads. */
export function isWebUrl(url: string): boolean {
  return /^https?:$/.test(parsed(url).protocol);
}

/**
 * Refuses (BlockedUrlError) anything but http(s): `file:`, `view-source:`, `chrome:`, `data:`… A row that reached
 * the database some other way than normalizeUrl (an edited export, an SQL update) must still never be read.
 */
export function assertWebScheme(url: string): void {
  if (!isWebUrl(url)) throw new BlockedUrlError(`${url.slice(0, 200)} is not an http(s) address; scrubwatch only ever reaches http:// and https:// addresses`);
}

function policyOf(policy: NetworkPolicy | boolean): NetworkPolicy {
  return typeof policy === 'boolean' ? { allowPrivateNetworks: policy } : policy;
}

/**
 * Refuses (BlockedUrlError) a URL that is not http(s) (see assertWebScheme), or whose host is a literal address or a
 * `localhost` name the policy forbids, without asking DNS. Names are checked where the connection is made (the egress proxy, the guarded fetches), at request time.
 * Throws InvalidInputError for a URL that does not parse.
 */
export function assertHostAllowed(url: string, policy: NetworkPolicy | boolean): void {
  assertWebScheme(url);
  createAddressGuard(policyOf(policy)).checkLiteral(hostOf(url));
}

/**
 * Refuses (BlockedUrlError) a URL whose host is, or resolves to, an address the policy forbids: the early check
 * when a target or webhook is added, so a mistake is reported at once. A host that does not resolve (or not within
 * `dnsTimeoutMs`) passes: the capture then records its own `dns` error rather than a block. This check alone does
 * not protect a later connection (the name may resolve differently then); the connection paths check again.
 * Throws InvalidInputError for a URL that does not parse.
 */
export async function assertUrlAllowed(
  url: string,
  policy: NetworkPolicy | boolean,
  dnsTimeoutMs: number = DEFAULT_DNS_TIMEOUT_MS,
): Promise<void> {
  const host = hostOf(url);
  if (policyOf(policy).allowPrivateNetworks) return;
  try {
    await createAddressGuard(policyOf(policy), dnsTimeoutMs).resolve(host);
  } catch (err) {
    if (err instanceof BlockedUrlError) throw err;
  }
}
