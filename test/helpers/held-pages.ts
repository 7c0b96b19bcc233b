import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../src/net/listen-loopback.ts';

/**
 * An HTTP gate in front of a site (the fixture site): it forwards every request, except that the test can hold
 * a path — its requests wait, unanswered, until the test releases them. A fault test holds the page a worker is
 * loading, so it knows a capture is in flight, injects the fault, then lets the page finish: no sleeps.
 */
export interface HeldPages {
  origin: string;
  url(path: string): string;
  /** From now on requests for `path` wait until `release(path)`. */
  hold(path: string): void;
  /** Resolves once `count` requests for `path` have arrived while it was held (counting from the start). */
  arrived(path: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Forwards the waiting requests for `path` and stops holding it. */
  release(path: string): void;
  /** Requests for `path` that reached the gate so far. */
  hits(path: string): number;
  close(): Promise<void>;
}

interface Waiting {
  req: IncomingMessage;
  res: ServerResponse;
}

export async function startHeldPages(upstreamOrigin: string): Promise<HeldPages> {
  const upstream = new URL(upstreamOrigin);
  const held = new Map<string, Waiting[]>();
  const heldCount = new Map<string, number>();
  const hits = new Map<string, number>();
  const watchers = new Set<() => void>();

  const forward = ({ req, res }: Waiting): void => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://gate').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const queue = held.get(path);
    if (!queue) return forward({ req, res });
    queue.push({ req, res });
    heldCount.set(path, (heldCount.get(path) ?? 0) + 1);
    for (const notify of watchers) notify();
  });
  const origin = `http://127.0.0.1:${await listenOnLoopback(server)}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    hold(path) {
      if (!held.has(path)) held.set(path, []);
    },
    arrived(path, count = 1, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if ((heldCount.get(path) ?? 0) < count) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`${count} held request(s) for ${path} did not arrive in ${timeoutMs} ms (${heldCount.get(path) ?? 0} did)`));
        }, timeoutMs);
        watchers.add(check);
        check();
      });
    },
    release(path) {
      const queue = held.get(path) ?? [];
      held.delete(path);
      for (const waiting of queue) if (!waiting.res.destroyed) forward(waiting);
    },
    hits: (path) => hits.get(path) ?? 0,
    async close() {
      for (const queue of held.values()) for (const { res } of queue) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
