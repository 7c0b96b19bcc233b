import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fake Wayback Machine: the availability API and Save Page Now, answering what the test says. */
export interface FakeWayback {
  url: string;
  /** Availability lookups received: the `url` and `timestamp` asked for. */
  lookups: { url: string; timestamp: string }[];
  /** Save Page Now requests received: the URL asked to be saved. */
  saves: string[];
  /** `ok`: a copy one day before the asked time; `none`: no copy; `fail`: HTTP 503. */
  mode: 'ok' | 'none' | 'fail';
  close(): Promise<void>;
}

/** YYYYMMDDhhmmss one day before `timestamp`. */
function dayBefore(timestamp: string): string {
  const t = Date.UTC(+timestamp.slice(0, 4), +timestamp.slice(4, 6) - 1, +timestamp.slice(6, 8), +timestamp.slice(8, 10), +timestamp.slice(10, 12), +timestamp.slice(12, 14));
  return new Date(t - 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export async function startFakeWayback(): Promise<FakeWayback> {
  const fake: FakeWayback = { url: '', lookups: [], saves: [], mode: 'ok', close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://wayback.test');
    if (u.pathname.startsWith('/save/')) {
      fake.saves.push(decodeURIComponent(req.url!.slice('/save/'.length)));
      res.writeHead(200).end('saved');
      return;
    }
    if (u.pathname !== '/wayback/available') return void res.writeHead(404).end();
    const asked = { url: u.searchParams.get('url') ?? '', timestamp: u.searchParams.get('timestamp') ?? '' };
    fake.lookups.push(asked);
    if (fake.mode === 'fail') return void res.writeHead(503).end('unavailable');
    const ts = dayBefore(asked.timestamp);
    const body = fake.mode === 'none'
      ? { url: asked.url, archived_snapshots: {} }
      : { url: asked.url, archived_snapshots: { closest: { status: '200', available: true, url: `http://web.archive.org/web/${ts}/${asked.url}`, timestamp: ts } } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return fake;
}
