import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { heavyPages } from './heavy-pages.ts';
import { charsetPage, filler, unstorablePage } from './hostile-text.ts';
import { listenOnLoopback } from '../../src/net/listen-loopback.ts';

export { CHARSET_PAGES, unstorablePage } from './hostile-text.ts';

/** What the server wrote to a streamed response before the client went away (or the stream ended). */
export interface StreamTally {
  bytes: number;
  /** Whether the client closed the connection before the server finished (an endless stream always ends so). */
  hungUp: boolean;
}

/**
 * A site that misbehaves on purpose, on 127.0.0.1: one HTTP server and one HTTPS server whose certificate is
 * self-signed, made at start-up with the `openssl` CLI (no key is ever committed). Both serve the same routes:
 *
 * - `/article/<name>`: a plain article page with enough text to count as a page (a normal capture)
 * - `/redirect-loop/<n>`: 302 to `/redirect-loop/<n+1>`, for ever
 * - `/redirect-to?url=<url>`: 302 to `<url>`, whatever its scheme
 * - `/huge`: 50 MB of HTML, chunked, with no Content-Length; `/huge-declared`: the same with its Content-Length
 * - `/endless`: HTML paragraphs streamed for as long as the client reads
 * - `/infinite-scroll`: a page whose script adds paragraphs whenever it is scrolled near its end
 * - `/dialogs`: alert, confirm and prompt on load, an alert every 50 ms and an `onbeforeunload` that asks to stay
 * - `/alert-loop`: `for (;;) alert()` after load: the page's script never yields while a dialog is open
 * - `/download`: a PDF sent as an attachment
 * - `/popups`: `window.open` on load and every 20 ms
 * - `/js-loop-inline`: a paragraph, then an inline `while (true) {}`: DOMContentLoaded never fires
 * - `/js-loop-after-load`: an article whose script loops for ever 100 ms after load
 * - `/never-loads`: an article with an image, an iframe and an async script that never answer
 * - `/blocking-script`: an article whose body ends with a `<script src>` that never answers
 * - `/trickle`: an article whose response never ends after its first part (no more bytes, connection held)
 * - `/hang/<anything>`: accepts the request and never answers
 * - `/charset/<name>`: the pages of `CHARSET_PAGES`, in legacy encodings, labelled right or wrong
 * - `/unstorable`: `unstorablePage()`: NUL bytes and characters, and unpaired surrogates from bytes, references and a script
 * - the pages of heavy-pages.ts, which try to exhaust memory (`/memory-hog`, `/iframe-stream`, `/image-bomb`) and
 *   one large honest page (`/heavy-normal`)
 * - `/many-images`: `manyImagesPage()`, 120,000 `<img>` in 4.6 MB; `/deep-nesting`: `deepNestingPage()`, 100,000 nested `<div>`
 * - anything set with `html()`
 */
export interface HostileSite {
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  /** https://127.0.0.1:<port><path>, served with the self-signed certificate. */
  tlsUrl(path: string): string;
  /** Serves `body` at `path` with the given headers (content-type text/html; charset=utf-8 unless told). */
  html(path: string, body: string | Buffer, headers?: Record<string, string>): void;
  /** The tally of the last streamed response on `path` (`/huge`, `/huge-declared`, `/endless`). */
  streamed(path: string): StreamTally | undefined;
  /** Requests that reached `path` on either server. */
  hits(path: string): number;
  close(): Promise<void>;
}

export const HUGE_PAGE_BYTES = 50 * 1024 * 1024;
const STREAM_CHUNK = Buffer.from(`<p>${'Endless words of a page that never stops. '.repeat(1_500)}</p>\n`);

/**
 * The longest event-loop stall a capture of these pages may cause. Reading one on the main thread holds the loop for
 * seconds on end (120,000 images: 8.8 s, measured beside a running suite); off it, the longest stall is well under a
 * second on a quiet machine, and a loaded 2-core CI machine has stretched one to 1.1 s. 2 s tells the two apart.
 */
export const LOOP_STALL_BOUND_MS = 2_000;

/** A 4.6 MB article of 120,000 images (each big enough not to be a tracking pixel), built once. */
export const manyImagesPage = once(() => {
  const images = Array.from({ length: 120_000 }, (_, i) => `<img src="${i}.png" width=9 height=9>`).join('');
  return articlePage('Many images', filler('Many images')).replace('</article>', `${images}</article>`);
});

/** An article inside 100,000 nested `<div>`s (0.5 MB), built once. */
export const deepNestingPage = once(() => articlePage('Deep nesting', filler('Deep nesting')).replace('<article>', '<div>'.repeat(100_000)));

function once(make: () => string): () => string {
  let made: string | undefined;
  return () => (made ??= make());
}

/** An article page: a heading and paragraphs, enough text for the outcome classifier to call it a page. */
export function articlePage(title: string, paragraphs: string[], extra = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><article><h1>${title}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</article>${extra}</body></html>`;
}

const inlineRoutes: Record<string, string> = {
  '/infinite-scroll': articlePage(
    'Endless feed',
    filler('Feed start'),
    `<div id="feed"></div><script>
      let n = 0;
      const more = () => { for (let i = 0; i < 20; i++) { const p = document.createElement('p'); p.textContent = 'Feed item ' + (++n) + ' with some words.'; p.style.height = '120px'; document.getElementById('feed').append(p); } };
      more();
      addEventListener('scroll', () => { if (innerHeight + scrollY > document.documentElement.scrollHeight - 2000) more(); });
    </script>`,
  ),
  '/dialogs': articlePage(
    'Pushy dialogs',
    filler('Dialogs'),
    `<script>
      onbeforeunload = (e) => { e.preventDefault(); e.returnValue = 'Stay with us?'; return 'Stay with us?'; };
      addEventListener('load', () => { alert('Welcome'); confirm('Subscribe?'); prompt('Your email?'); setInterval(() => alert('Still here?'), 50); });
    </script>`,
  ),
  '/alert-loop': articlePage('Alert loop', filler('Alerts'), `<script>addEventListener('load', () => setTimeout(() => { for (;;) alert('again'); }, 100));</script>`),
  '/popups': articlePage(
    'Popups',
    filler('Popups'),
    `<script>window.open('/article/popup-a'); window.open('about:blank', '_blank'); setInterval(() => window.open('/article/popup-' + Math.random()), 20);</script>`,
  ),
  '/js-loop-inline': `<!doctype html><html><head><title>Inline loop</title></head><body><p>Before the loop.</p><script>while (true) {}</script><p>After.</p></body></html>`,
  '/js-loop-after-load': articlePage('Loop after load', filler('Loop'), `<script>addEventListener('load', () => setTimeout(() => { while (true) {} }, 100));</script>`),
  '/never-loads': articlePage('Never loads', filler('Never loads'), `<iframe src="/hang/frame"></iframe><script async src="/hang/async.js"></script>`).replace(
    '</article>',
    '<figure><img src="/hang/image.png" alt="Stuck" width="100" height="100"><figcaption>Never arrives</figcaption></figure></article>',
  ),
  '/blocking-script': articlePage('Blocking script', filler('Blocking script'), `<script src="/hang/blocking.js"></script>`),
};
const generatedRoutes: Record<string, () => string> = { '/many-images': manyImagesPage, '/deep-nesting': deepNestingPage };

export async function startHostileSite(): Promise<HostileSite> {
  const heavy = await heavyPages();
  const pages = new Map<string, { body: Buffer; headers: Record<string, string> }>();
  const tallies = new Map<string, StreamTally>();
  const hits = new Map<string, number>();
  const open = new Set<ServerResponse>();

  const stream = (path: string, res: ServerResponse, total: number | null, declared: boolean): void => {
    const tally: StreamTally = { bytes: 0, hungUp: false };
    tallies.set(path, tally);
    res.on('close', () => {
      if (!res.writableEnded) tally.hungUp = true;
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(declared && total !== null ? { 'content-length': String(total) } : {}) });
    const more = (): void => {
      while (!res.destroyed) {
        const left = total === null ? STREAM_CHUNK.length : total - tally.bytes;
        if (left <= 0) return void res.end();
        const chunk = STREAM_CHUNK.subarray(0, Math.min(left, STREAM_CHUNK.length));
        tally.bytes += chunk.length;
        // Only as fast as the client reads: what the tally counts is what left for the client.
        if (!res.write(chunk)) return void res.once('drain', more);
      }
    };
    more();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://hostile').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    open.add(res);
    res.on('close', () => open.delete(res));
    const set = pages.get(path);
    if (set) {
      res.writeHead(200, { 'content-length': String(set.body.length), 'content-type': 'text/html; charset=utf-8', ...set.headers });
      return void res.end(set.body);
    }
    if (heavy.handle(path, res)) return;
    if (path === '/redirect-to') {
      res.writeHead(302, { location: new URL(req.url ?? '/', 'http://hostile').searchParams.get('url') ?? '/', 'content-length': '0' });
      return void res.end();
    }
    const loop = /^\/redirect-loop\/(\d+)$/.exec(path);
    if (loop) {
      res.writeHead(302, { location: `/redirect-loop/${Number(loop[1]) + 1}`, 'content-length': '0' });
      return void res.end();
    }
    if (path === '/huge') return stream(path, res, HUGE_PAGE_BYTES, false);
    if (path === '/huge-declared') return stream(path, res, HUGE_PAGE_BYTES, true);
    if (path === '/endless') return stream(path, res, null, false);
    if (path.startsWith('/hang/')) return;
    const charset = path.startsWith('/charset/') ? charsetPage(path.slice(9)) : null;
    if (charset || path === '/unstorable') {
      const body = charset?.body ?? unstorablePage();
      res.writeHead(200, { 'content-type': charset?.contentType ?? 'text/html; charset=utf-8', 'content-length': String(body.length) });
      return void res.end(body);
    }
    if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.write(articlePage('Trickle', filler('Trickle')).replace('</article></body></html>', ''));
    }
    if (path === '/download') {
      const pdf = Buffer.from('%PDF-1.4\n% not really a PDF\n');
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="notice.pdf"', 'content-length': String(pdf.length) });
      return void res.end(pdf);
    }
    const inline = inlineRoutes[path] ?? generatedRoutes[path]?.() ?? (path.startsWith('/article/') ? articlePage(`Article ${path.slice(9)}`, filler(`Article ${path.slice(9)}`)) : null);
    if (inline === null) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('not found');
    }
    const body = Buffer.from(inline, 'utf8');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
    res.end(body);
  };

  const plain = createServer(handle);
  const { key, cert } = await selfSignedCertificate();
  const tls = createTlsServer({ key, cert }, handle);
  const plainOrigin = await listen(plain, 'http');
  const tlsOrigin = await listen(tls, 'https');

  return {
    url: (path) => new URL(path, plainOrigin).href,
    tlsUrl: (path) => new URL(path, tlsOrigin).href,
    html(path, body, headers = {}) {
      pages.set(path, { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, headers });
    },
    streamed: (path) => tallies.get(path),
    hits: (path) => hits.get(path) ?? 0,
    async close() {
      for (const res of open) res.destroy();
      plain.closeAllConnections();
      tls.closeAllConnections();
      await Promise.all([new Promise((resolve) => plain.close(resolve)), new Promise((resolve) => tls.close(resolve))]);
    },
  };
}

async function listen(server: ReturnType<typeof createServer>, scheme: 'http' | 'https'): Promise<string> {
  return `${scheme}://127.0.0.1:${await listenOnLoopback(server)}`;
}

/** A throwaway key and self-signed certificate for 127.0.0.1, made with the openssl CLI in a temporary folder. */
async function selfSignedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'scrubwatch-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath,
    ]);
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
