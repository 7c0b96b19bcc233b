import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature, type SignatureCheck } from '../../src/notify/signature.ts';

/** One request a receiver got, with its signature checked as a real receiver would. */
export interface ReceivedWebhook {
  body: string;
  json: unknown;
  headers: IncomingMessage['headers'];
  idempotencyKey: string | undefined;
  signature: SignatureCheck;
  /** The answer it was given: a status, or `held` / `timeout` when none was given. */
  answer: number | 'held';
  /** False when the receiver already had this Idempotency-Key: a duplicate a real receiver drops. */
  firstOfKey: boolean;
}

export type Behaviour = 'ok' | 'fail' | 'hold' | 'slow' | 'huge';

/** A local webhook receiver: verifies signatures, remembers every request, and can fail, hang or flood. */
export interface WebhookReceiver {
  url: string;
  secret: string;
  received: ReceivedWebhook[];
  /** Requests whose Idempotency-Key was new: what a receiver that drops duplicates acts on. */
  accepted(): ReceivedWebhook[];
  /** Fails (HTTP 500) the next `n` requests. */
  failNext(n: number): void;
  /** What to do from now on (after any failNext): answer 200, fail, hold the request open, answer late, answer with 20 MB. */
  behave(b: Behaviour): void;
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Bytes of the huge answer actually written before the client hung up. */
  hugeBytesWritten(): number;
  close(): Promise<void>;
}

const HUGE_BYTES = 20 * 1024 * 1024;

export async function startWebhookReceiver(secret = ''): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const seenKeys = new Set<string>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let failures = 0;
  let behaviour: Behaviour = 'ok';
  let hugeWritten = 0;
  const receiver: WebhookReceiver = {
    url: '',
    secret,
    received,
    accepted: () => received.filter((r) => r.firstOfKey),
    failNext: (n) => (failures = n),
    behave: (b) => (behaviour = b),
    waitFor(n, timeoutMs = 30_000) {
      if (received.length >= n) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`webhook receiver got ${received.length} of ${n} requests in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(received.slice())) });
      });
    },
    hugeBytesWritten: () => hugeWritten,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  const answer = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = req.headers['idempotency-key'] as string | undefined;
      const signature = verifySignature(req.headers['scrubwatch-signature'] as string | undefined, body, receiver.secret);
      const mode: Behaviour = failures > 0 ? (failures--, 'fail') : behaviour;
      const status = !signature.ok ? 401 : mode === 'fail' ? 500 : 200;
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // Recorded as is; the test decides.
      }
      const record: ReceivedWebhook = {
        body,
        json,
        headers: req.headers,
        idempotencyKey: key,
        signature,
        answer: mode === 'hold' ? 'held' : status,
        firstOfKey: status === 200 && key !== undefined && !seenKeys.has(key),
      };
      if (record.firstOfKey && key) seenKeys.add(key);
      received.push(record);
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
      if (mode === 'hold') return;
      if (mode === 'slow') {
        setTimeout(() => answer(res, status, 'late'), 30_000).unref();
        return;
      }
      if (mode === 'huge' && status === 200) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 120);
        const pump = () => {
          while (hugeWritten < HUGE_BYTES) {
            hugeWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => undefined);
        pump();
        return;
      }
      answer(res, status, status === 200 ? 'ok' : signature.ok ? 'failing on purpose' : `bad signature: ${signature.reason}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
