import { connect } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { assertWebScheme, normalizeUrl } from '../../capture/url-policy.ts';
import { BlockedUrlError, DeliveryError, InvalidInputError, describeError } from '../../errors/index.ts';
import { createAddressGuard, type AddressGuard } from '../../net/guarded-lookup.ts';
import type { NetworkPolicy } from '../../net/network-policy.ts';
import { bareHost } from '../../net/private-address.ts';
import { SIGNATURE_HEADER, signBody } from '../signature.ts';

/** At most this much of a receiver's answer is read (for the error message); the rest is never downloaded. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** One signed POST to a webhook, and the network policy its address must pass. */
export interface WebhookRequest extends NetworkPolicy {
  url: string;
  /** The raw JSON body, exactly as signed. */
  body: string;
  secret: string;
  /** Sent as `Idempotency-Key`: the same for every attempt of one delivery, so a receiver can drop duplicates. */
  idempotencyKey: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  status: number;
  /** The first MAX_RESPONSE_BYTES bytes of the answer, as text. */
  excerpt: string;
  truncated: boolean;
}

async function readCapped(body: Response['body']): Promise<{ text: string; truncated: boolean }> {
  if (!body) return { text: '', truncated: false };
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    while (size < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
      chunks.push(Buffer.from(value));
      size += value.byteLength;
    }
    return { text: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'), truncated: true };
  } finally {
    // Stops the download of anything larger: an oversize answer costs at most the cap.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * POSTs a signed JSON body (`Scrubwatch-Signature`, `Idempotency-Key`). Redirects are not followed (a 3xx is a
 * failure), the whole exchange is cut off after `timeoutMs`, and at most 64 KB of the answer is read. Any 2xx is a
 * success; everything else throws DeliveryError with the status when there was one. The address is checked at
 * every send, when the connection is made (a host may have started resolving to a private address since the
 * subscription was made, or answer differently from one lookup to the next): BlockedUrlError when it is refused,
 * or is not http(s).
 */
export async function postWebhook(req: WebhookRequest): Promise<WebhookResponse> {
  // The URL was checked when the subscription was made; a row that reached the database another way is not trusted.
  assertWebScheme(req.url);
  const guard = createAddressGuard(req, Math.min(req.timeoutMs, 5_000));
  guard.checkLiteral(hostOf(req.url));
  const signal = AbortSignal.timeout(req.timeoutMs);
  const dispatcher = new Agent({ connect: { lookup: guard.lookup } });
  try {
    return await send(req, dispatcher, signal);
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    throw new InvalidInputError('webhook', `"${url}" is not a valid URL`);
  }
}

async function send(req: WebhookRequest, dispatcher: Agent, signal: AbortSignal): Promise<WebhookResponse> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      body: req.body,
      redirect: 'manual',
      signal,
      dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'scrubwatch',
        'idempotency-key': req.idempotencyKey,
        [SIGNATURE_HEADER.toLowerCase()]: signBody(req.secret, req.body),
      },
    });
  } catch (err) {
    if (err instanceof Error && err.cause instanceof BlockedUrlError) throw err.cause;
    const timedOut = signal.aborted;
    throw new DeliveryError(timedOut ? `webhook did not answer within ${req.timeoutMs} ms` : `webhook unreachable: ${describeError((err as Error).cause ?? err)}`, null, { cause: err });
  }
  let read: { text: string; truncated: boolean };
  try {
    read = await readCapped(res.body);
  } catch (err) {
    if (res.ok) read = { text: '', truncated: true };
    else throw new DeliveryError(`webhook answered ${res.status} and then failed: ${describeError(err)}`, res.status, { cause: err });
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, excerpt: read.text, truncated: read.truncated };
  const where = res.status >= 300 && res.status < 400 ? ` (redirect to ${res.headers.get('location') ?? '?'}, not followed)` : '';
  throw new DeliveryError(`webhook answered ${res.status}${where}: ${read.text.slice(0, 300)}`, res.status);
}

/**
 * Checks a webhook URL when a subscription is made: http(s), no credentials, not an address the network policy
 * refuses (BlockedUrlError), and something accepts a TCP connection on its host and port within `timeoutMs` — so a
 * typo is refused at once rather than found in the dead letter a day later. Returns the normalised URL.
 * `policy` may be just the SCRUBWATCH_ALLOW_PRIVATE_NETWORKS flag.
 */
export async function validateWebhookUrl(input: string, policy: NetworkPolicy | boolean, timeoutMs = 5_000): Promise<string> {
  let url: string;
  try {
    url = normalizeUrl(input);
  } catch (err) {
    throw new InvalidInputError('webhook', describeError(err).replace(/can be watched/, 'can receive webhooks'));
  }
  const guard: AddressGuard = createAddressGuard(typeof policy === 'boolean' ? { allowPrivateNetworks: policy } : policy, timeoutMs);
  const { hostname, port, protocol } = new URL(url);
  guard.checkLiteral(hostname);
  const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: bareHost(hostname), port: portNumber, timeout: timeoutMs, lookup: guard.lookup });
    const fail = (why: string) => {
      socket.destroy();
      reject(new InvalidInputError('webhook', `cannot reach the webhook at ${url}: ${why}; check the address and that the receiver is running`));
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail(`no connection within ${timeoutMs} ms`));
    socket.once('error', (err) => {
      if (!(err instanceof BlockedUrlError)) return fail(describeError(err));
      socket.destroy();
      reject(err);
    });
  });
  return url;
}
