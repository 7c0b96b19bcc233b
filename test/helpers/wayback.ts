import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One archived copy the fake holds. */
export interface ArchivedCopy {
  url: string;
  /** YYYYMMDDhhmmss. */
  timestamp: string;
  status?: number;
  mimetype?: string;
  html?: string;
}

/**
 * A fake Wayback Machine: the availability API, Save Page Now, the CDX API (`/cdx/search/cdx`) and raw replay
 * (`/web/<timestamp>id_/<url>`), answering what the test says.
 */
export interface FakeWayback {
  url: string;
  /** Availability lookups received: the `url` and `timestamp` asked for. */
  lookups: { url: string; timestamp: string }[];
  /** Save Page Now requests received: the URL asked to be saved. */
  saves: string[];
  /** `ok`: a copy one day before the asked time; `none`: no copy; `fail`: HTTP 503. */
  mode: 'ok' | 'none' | 'fail';
  /** The copies CDX lists and replay serves; add to it freely. */
  copies: ArchivedCopy[];
  /** CDX queries received, as their query strings' parameters. */
  cdxQueries: URLSearchParams[];
  /** Replay requests received: the path after `/web/`. */
  replays: string[];
  /** `endless`: the CDX answer never ends (rows keep coming); `garbage`: it is not CDX at all. */
  cdxMode: 'ok' | 'endless' | 'garbage';
  close(): Promise<void>;
}

/** YYYYMMDDhhmmss one day before `timestamp`. */
function dayBefore(timestamp: string): string {
  const t = Date.UTC(+timestamp.slice(0, 4), +timestamp.slice(4, 6) - 1, +timestamp.slice(6, 8), +timestamp.slice(8, 10), +timestamp.slice(10, 12), +timestamp.slice(12, 14));
  return new Date(t - 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The SURT-like key CDX sorts by: host reversed, then the path, lower-cased. */
function urlkey(url: string): string {
  const u = new URL(url);
  return `${u.hostname.split('.').reverse().join(',')})${u.pathname}${u.search}`.toLowerCase();
}

/**
 * The CDX answer in its default text form (`fl` fields space-separated, one capture per line), sorted by urlkey
 * then timestamp as the real index is, filtered by prefix, `from`, `filter=statuscode:`/`mimetype:`, paged by
 * `limit` + `showResumeKey` (a blank line, then the key) and `resumeKey`.
 */
function cdxAnswer(fake: FakeWayback, q: URLSearchParams): string {
  const prefix = q.get('url') ?? '';
  const from = q.get('from') ?? '';
  const filters = q.getAll('filter').map((f) => f.split(':') as [string, string]);
  const rows = fake.copies
    .filter((c) => (q.get('matchType') === 'prefix' ? c.url.startsWith(prefix.replace(/\*$/, '')) : c.url === prefix))
    .filter((c) => from === '' || c.timestamp >= from.padEnd(14, '0'))
    .map((c) => ({ ...c, urlkey: urlkey(c.url), statuscode: String(c.status ?? 200), mimetype: c.mimetype ?? 'text/html' }))
    .filter((c) => filters.every(([field, value]) => String((c as Record<string, unknown>)[field]) === value))
    .sort((a, b) => (a.urlkey === b.urlkey ? a.timestamp.localeCompare(b.timestamp) : a.urlkey < b.urlkey ? -1 : 1));
  const fields = (q.get('fl') ?? 'urlkey,timestamp,original,mimetype,statuscode').split(',');
  const start = Number(q.get('resumeKey') ?? 0);
  const limit = Number(q.get('limit') ?? rows.length);
  const page = rows.slice(start, start + limit);
  const lines = page.map((r) => fields.map((f) => (f === 'original' ? r.url : String((r as Record<string, unknown>)[f] ?? '-'))).join(' '));
  const more = start + limit < rows.length && q.get('showResumeKey') === 'true';
  return lines.join('\n') + (lines.length > 0 ? '\n' : '') + (more ? `\n${start + limit}\n` : '');
}

export async function startFakeWayback(): Promise<FakeWayback> {
  const fake: FakeWayback = { url: '', lookups: [], saves: [], mode: 'ok', copies: [], cdxQueries: [], replays: [], cdxMode: 'ok', close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://wayback.test');
    if (u.pathname.startsWith('/save/')) {
      fake.saves.push(decodeURIComponent(req.url!.slice('/save/'.length)));
      res.writeHead(200).end('saved');
      return;
    }
    if (u.pathname === '/cdx/search/cdx') {
      fake.cdxQueries.push(u.searchParams);
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (fake.cdxMode === 'garbage') return void res.end('<html><body>Service temporarily unavailable</body></html>\n');
      if (fake.cdxMode === 'endless') {
        let n = 0;
        const more = () => {
          while (res.write(`org,example)/p${n} 20190101000000 http://example.org/p${n} text/html 200\n`)) n += 1;
          if (!res.destroyed) res.once('drain', more);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        return more();
      }
      return void res.end(cdxAnswer(fake, u.searchParams));
    }
    const replay = /^\/web\/(\d{14})id_\/(.+)$/.exec(req.url ?? '');
    if (replay) {
      fake.replays.push(`${replay[1]}id_/${replay[2]}`);
      const copy = fake.copies.find((c) => c.timestamp === replay[1] && c.url === replay[2]);
      if (!copy) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Wayback Machine has not archived that URL.</body></html>');
      return void res.writeHead(copy.status ?? 200, { 'content-type': copy.mimetype ?? 'text/html; charset=utf-8' }).end(copy.html ?? '');
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
