import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright';

// ReplayWeb.page's own files: ui.js (the <replay-web-page> component and the app it frames) and sw.js (wabac.js,
// the service worker that reads the WACZ and answers the replayed page's requests).
const RWP_DIR = dirname(createRequire(import.meta.url).resolve('replaywebpage/index.html'));
const RWP_FILES = new Set(['ui.js', 'sw.js']);
/**
 * The client's own page, as wabac serves it for `sw.js?serveIndex=1` and replayweb.page hosts it. Served here too:
 * once a package has loaded as the worker's root collection, the worker passes `/replay/?source=…` to the network.
 */
const CLIENT_INDEX = '<!doctype html><html><head><script src="./ui.js"></script></head><body><replay-app-main></replay-app-main></body></html>';
/** A hang guard on each wait for the client, with room for two busy cores: a replayed page takes 5–15 s there. */
const WAIT_MS = 120_000;

/** One archived page as ReplayWeb.page shows it. */
export interface ReplayedPage {
  /** The replayed frame's own URL: `…/replay/w/<collection>/<ts>mp_/<url>`. */
  frameUrl: string;
  /** The HTTP status the replay answered the page with (the archived one, or wabac's 404 for "not in archive"). */
  status: number;
  title: string;
  /** The replayed page's visible text (`innerText` of its body). */
  text: string;
}

/** What ReplayWeb.page knows of the package's signature once it has loaded it. */
export interface ReplayVerification {
  /** What its "Validation" panel shows (wabac's collection API, `?all=1` → `verify`). */
  shown: { numValid: number; numInvalid: number; datapackageHash?: string; publicKey?: string; created?: string; software?: string };
  /**
   * Whether wabac's own check of the `datapackage-digest.json` signature passed (its `verification` store's
   * `signature` record; null when the package carries none). The panel cannot say: in 2.4.6 it counts that record
   * among the "hashes verified" whether it matched or not.
   */
  signatureValid: boolean | null;
}

/** ReplayWeb.page served from 127.0.0.1 with some WACZ files, driven in a Chromium context of its own. */
export interface ReplayClient {
  readonly baseUrl: string;
  /** Opens package `name` at `url` as archived nearest `ts` (14 digits, UTC) and reads the replayed page. */
  open(name: string, url: string, ts: string): Promise<ReplayedPage>;
  /** Package `name`'s verification as ReplayWeb.page recorded it on loading (open a page of it first). */
  verification(name: string): Promise<ReplayVerification>;
  close(): Promise<void>;
}

/** The page embedding the client; the service worker's scope is /replay/, so it controls only the client's frames. */
function embedPage(source: string, url: string, ts: string): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>replay</title>
<script src="/replay/ui.js"></script>
<style>html,body{margin:0;height:100%}replay-web-page{height:100vh}</style></head>
<body><replay-web-page source="${attr(source)}" url="${attr(url)}" ts="${attr(ts)}" replayBase="/replay/" embed="replayonly"></replay-web-page></body></html>`;
}

async function sendPackage(req: IncomingMessage, res: ServerResponse, waczPath: string): Promise<void> {
  const { size } = await stat(waczPath);
  // wabac reads a remote WACZ by HTTP ranges (zip directory first, then records on demand).
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': 'application/wacz', 'accept-ranges': 'bytes', 'cache-control': 'no-store' };
  if (range === null || (range[1] === '' && range[2] === '')) {
    res.writeHead(200, { ...headers, 'content-length': size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(waczPath).pipe(res);
    return;
  }
  const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
  const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start > end || start >= size) {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
    return void res.end();
  }
  res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(waczPath, { start, end }).pipe(res);
}

const packagePath = (name: string) => `/packages/${encodeURIComponent(name)}.wacz`;

function handler(packages: ReadonlyMap<string, string>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://replay.local');
    const file = /^\/replay\/([a-z]+\.js)$/.exec(url.pathname)?.[1];
    const waczPath = [...packages].find(([name]) => packagePath(name) === url.pathname)?.[1];
    if (url.pathname === '/warm') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>warm</title>');
    } else if (url.pathname === '/replay/' || url.pathname === '/replay/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(CLIENT_INDEX);
    } else if (url.pathname === '/embed') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(embedPage(packagePath(url.searchParams.get('name') ?? ''), url.searchParams.get('url') ?? '', url.searchParams.get('ts') ?? ''));
    } else if (file !== undefined && RWP_FILES.has(file)) {
      res.writeHead(200, { 'content-type': 'application/javascript', 'cache-control': 'no-store' });
      createReadStream(join(RWP_DIR, file)).pipe(res);
    } else if (waczPath !== undefined) {
      sendPackage(req, res, waczPath).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not served by the replay test server');
    }
  };
}

/** The text of every frame of the page, for saying what the replay showed when the page did not come. */
async function whatTheReplayShowed(page: Page): Promise<string> {
  const parts: string[] = [];
  for (const frame of page.frames()) {
    const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '(unreadable)');
    parts.push(`[${frame.url()}] ${text.replace(/\s+/g, ' ').trim().slice(0, 400)}`);
  }
  return parts.join('\n');
}

/** Polls the page's frames (the component's are inside shadow DOM, but Playwright sees every frame) for one. */
async function waitForFrame(page: Page, find: (frame: Frame) => boolean, what: string): Promise<Frame> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const frame = page.frames().find(find);
    if (frame !== undefined) return frame;
    await page.waitForTimeout(200);
  }
  throw new Error(`ReplayWeb.page showed no ${what} within ${WAIT_MS / 1000} s; it showed:\n${await whatTheReplayShowed(page)}`);
}

/**
 * Registers the service worker and waits until it is active. The component registers it too, but frames its client
 * as soon as registration starts and retries only three times 100 ms apart if the worker is not yet in control —
 * too short on a busy machine, where installing wabac's 3 MB worker takes longer.
 */
async function warmServiceWorker(context: BrowserContext, baseUrl: string): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl}/warm`);
    await page.evaluate(async (waitMs) => {
      const registration = await navigator.serviceWorker.register('/replay/sw.js?serveIndex=1', { scope: '/replay/' });
      const deadline = Date.now() + waitMs;
      while (registration.active?.state !== 'activated') {
        if (Date.now() > deadline) throw new Error(`the service worker is still ${registration.installing?.state ?? registration.waiting?.state ?? 'absent'}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, WAIT_MS);
  } finally {
    await page.close();
  }
}

/**
 * Serves ReplayWeb.page (the installed `replaywebpage` package) and the packages (name → WACZ path) on 127.0.0.1 —
 * a secure context, so the service worker registers — and opens pages in a fresh context of `browser`. One client
 * serves several packages so that the worker installs once: each is a collection of its own in the client.
 */
export async function startReplayClient(browser: Browser, packages: Record<string, string>): Promise<ReplayClient> {
  const server = createServer(handler(new Map(Object.entries(packages))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  context.setDefaultTimeout(WAIT_MS);
  const collections = new Map<string, string>();
  try {
    await warmServiceWorker(context, baseUrl);
  } catch (error) {
    await context.close();
    server.close();
    throw error;
  }

  return {
    baseUrl,
    async open(name, url, ts) {
      const page = await context.newPage();
      const statuses = new Map<string, number>();
      page.on('response', (response) => statuses.set(response.url(), response.status()));
      try {
        await page.goto(`${baseUrl}/embed?${new URLSearchParams({ name, url, ts })}`);
        const frame = await waitForFrame(page, (f) => f.url().includes(`mp_/${url}`), `replayed frame for ${url}`);
        await frame.waitForLoadState('load');
        const status = statuses.get(frame.url());
        if (status === undefined) throw new Error(`ReplayWeb.page loaded ${frame.url()} but no response was seen for it`);
        const [title, text] = await frame.evaluate(() => [document.title, document.body?.innerText ?? '']);
        const collection = /\/replay\/w\/([^/]+)\//.exec(frame.url())?.[1];
        if (collection !== undefined) collections.set(name, collection);
        return { frameUrl: frame.url(), status, title, text };
      } finally {
        await page.close();
      }
    },
    async verification(name) {
      const collection = collections.get(name);
      if (collection === undefined) throw new Error(`open a page of ${name} before asking for its verification: the package loads then`);
      const page = await context.newPage();
      try {
        // The client's own page, served by the worker: the collection API answers only inside its scope.
        await page.goto(`${baseUrl}/replay/`);
        return await page.evaluate(async (coll) => {
          const answer = await fetch(`w/api/c/${coll}?all=1`);
          if (!answer.ok) throw new Error(`the collection API answered ${answer.status}: ${await answer.text()}`);
          const shown = ((await answer.json()) as { verify?: ReplayVerification['shown'] }).verify ?? { numValid: 0, numInvalid: 0 };
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const opening = indexedDB.open(`db:${coll}`);
            opening.onsuccess = () => resolve(opening.result);
            opening.onerror = () => reject(new Error(`wabac's database for ${coll} did not open: ${String(opening.error)}`));
          });
          try {
            const record = await new Promise<{ expected: unknown; matched: unknown } | undefined>((resolve, reject) => {
              const reading = db.transaction('verification').objectStore('verification').get('signature');
              reading.onsuccess = () => resolve(reading.result as { expected: unknown; matched: unknown } | undefined);
              reading.onerror = () => reject(new Error(`wabac's verification store did not answer: ${String(reading.error)}`));
            });
            // An unsigned package leaves { expected: "", matched: false }; a signed one { expected: true, matched }.
            const signatureValid = record?.expected === true ? record.matched === true : null;
            return { shown, signatureValid };
          } finally {
            db.close();
          }
        }, collection);
      } finally {
        await page.close();
      }
    },
    async close() {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
