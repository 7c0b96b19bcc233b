import { connect } from 'node:net';
import { assertUrlAllowed, normalizeUrl } from '../../capture/url-policy.ts';
import { InvalidInputError, describeError } from '../../errors.ts';
import { DeliveryError } from '../delivery-error.ts';
import { SIGNATURE_HEADER, signBody } from '../signature.ts';

/** At most this much of a receiver's answer is read (for the error message); the rest is never downloaded. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** One signed POST to a webhook. */
export interface WebhookRequest {
  url: string;
  /** The raw JSON body, exactly as signed. */
  body: string;
  secret: string;
  /** Sent as `Idempotency-Key`: the same for every attempt of one delivery, so a receiver can drop duplicates. */
  idempotencyKey: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

export interface WebhookResponse {
  status: number;
  /** The first MAX_RESPONSE_BYTES bytes of the answer, as text. */
  excerpt: string;
  truncated: boolean;
}

async function readCapped(body: ReadableStream<Uint8Array> | null): Promise<{ text: string; truncated: boolean }> {
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
 * success; everything else throws DeliveryError with the status when there was one. The address is checked again
 * here, since a host may have started resolving to a private address after the subscription was made.
 */
export async function postWebhook(req: WebhookRequest): Promise<WebhookResponse> {
  await assertUrlAllowed(req.url, req.allowPrivateNetworks);
  const signal = AbortSignal.timeout(req.timeoutMs);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      body: req.body,
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'scrubwatch',
        'idempotency-key': req.idempotencyKey,
        [SIGNATURE_HEADER.toLowerCase()]: signBody(req.secret, req.body),
      },
    });
  } catch (err) {
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
 * Checks a webhook URL when a subscription is made: http(s), no credentials, not a private address (unless
 * allowed), and something accepts a TCP connection on its host and port within `timeoutMs` — so a typo is refused
 * at once rather than found in the dead letter a day later. Returns the normalised URL.
 */
export async function validateWebhookUrl(input: string, allowPrivateNetworks: boolean, timeoutMs = 5_000): Promise<string> {
  let url: string;
  try {
    url = normalizeUrl(input);
  } catch (err) {
    throw new InvalidInputError('webhook', describeError(err).replace(/can be watched/, 'can receive webhooks'));
  }
  await assertUrlAllowed(url, allowPrivateNetworks);
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port: portNumber, timeout: timeoutMs });
    const fail = (why: string) => {
      socket.destroy();
      reject(new InvalidInputError('webhook', `cannot reach the webhook at ${url}: ${why}; check the address and that the receiver is running`));
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail(`no connection within ${timeoutMs} ms`));
    socket.once('error', (err) => fail(describeError(err)));
  });
  return url;
}
