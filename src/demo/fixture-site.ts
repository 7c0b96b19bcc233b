import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { articleHtml, type ArticleSpec } from './article-html.ts';
import { solidPng } from './png.ts';
import { accessDeniedPage, listingPage, notFoundPage, serverErrorPage, softNotFoundPage } from './site-pages.ts';
import { listenOnLoopback } from '../net/listen-loopback.ts';

export { articleHtml, flintlockArticle, slugOf } from './article-html.ts';
export type { ArticleSpec, DocumentSpec, PhotoSpec, TweetSpec, VideoSpec } from './article-html.ts';

/** How the site answers a path nobody defined: see FixtureSite.unknownPaths. */
export type UnknownPathMode = '404' | 'soft' | 'home';

/** A local stand-in for a news site: pages and images defined by the test, on 127.0.0.1 and a random port. */
export interface FixtureSite {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  url(path: string): string;
  /** (Re)defines an article page; its photos are served at /images/<file>. It is listed on the home and news pages. */
  article(path: string, spec: ArticleSpec): void;
  /** Serves `body` (a string is sent as UTF-8) with content-type text/html; charset=utf-8 unless `headers` says otherwise. */
  html(path: string, body: string | Buffer, status?: number, headers?: Record<string, string>): void;
  /** The page or image now answers with a small "Page not found" HTML page. */
  gone(path: string, status?: 404 | 410): void;
  /** The page now answers 200 with the site's templated "Page not found" page: a soft 404. */
  softGone(path: string): void;
  /** The page now answers 403 with an Akamai edge's "Access Denied" page and `server: AkamaiGHost`. */
  blocked(path: string): void;
  /** The page now answers `status` (500-599) with a small server error page. */
  fail(path: string, status?: number): void;
  /** Serves `/` as the home page and `/news` as the news section, both listing the articles defined at request time. */
  home(): void;
  /**
   * How paths nobody defined answer: '404' (the default) with the bare not-found page, 'soft' with status 200 and
   * the templated not-found page, 'home' with a 302 to `/` (which then serves the home page). Generated images
   * under /images/ answer in every mode.
   */
  unknownPaths(mode: UnknownPathMode): void;
  /**
   * (Re)defines an article served with exactly the validators given (none: neither ETag nor Last-Modified), which
   * `conditional` says whether to honour: 'honour' answers 304 to a matching If-None-Match or If-Modified-Since,
   * 'ignore' (a lying site) always answers the page. See VersionedArticle.
   */
  versionedArticle(path: string, spec: ArticleSpec, validators: ArticleValidators): void;
  redirect(path: string, to: string, status?: 301 | 302): void;
  /** Accepts the request and never answers (until close). */
  hang(path: string): void;
  /** How many requests reached `path` so far, whatever answered them. */
  hits(path: string): number;
  /** How many requests for `path` were conditional and answered 304 Not Modified. */
  notModified(path: string): number;
  /**
   * Serves other bytes behind the same photo URL (`/images/<file>`): another picture, of another size unless
   * `sameLength` (then a `.bare.png` photo keeps its exact length). Its ETag follows the bytes.
   */
  replacePhoto(file: string, options?: { sameLength?: boolean }): void;
  /** How many requests for `path` came from a browser (any User-Agent but scrubwatch's plain-HTTP one). */
  browserHits(path: string): number;
  /** Stops the server, ending hanging requests. */
  close(): Promise<void>;
}

/** The validators a versioned article is served with, and whether conditional requests are honoured. */
export interface ArticleValidators {
  etag?: string;
  lastModified?: string;
  conditional?: 'honour' | 'ignore';
}

interface Route {
  status: number;
  headers: Record<string, string>;
  /** Whether conditional requests get a 304: by ETag alone unless a versioned article says otherwise. */
  conditional?: 'etag' | 'honour' | 'ignore';
  /** Null: never answer. A function: built per request (listings follow the articles defined by then). */
  body: Buffer | (() => string) | null;
}

const htmlRoute = (body: string | Buffer | (() => string), status = 200, headers: Record<string, string> = {}): Route => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
});

const redirectRoute = (to: string, status: number): Route => ({
  status,
  headers: { location: to, 'content-type': 'text/html' },
  body: Buffer.from(`<a href="${to}">moved</a>`),
});

/**
 * Starts the fixture site. Any `/images/<name>.png` not defined otherwise is a distinct generated PNG with an
 * ETag (`/images/<name>.bare.png`: an uncompressed one without validators, whose length depends on its size
 * alone), any `/files/<name>.<ext>` a distinct small document with an ETag (a request naming an ETag gets 304);
 * any other unknown path answers as `unknownPaths` says (a 404 page until told otherwise).
 */
export async function startFixtureSite(): Promise<FixtureSite> {
  const routes = new Map<string, Route>();
  const articles = new Map<string, ArticleSpec>();
  const hits = new Map<string, number>();
  const notModified = new Map<string, number>();
  const photoVersions = new Map<string, PhotoVersion>();
  const browserHits = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  let unknownMode: UnknownPathMode = '404';

  const listed = (): { path: string; spec: ArticleSpec }[] => [...articles].map(([path, spec]) => ({ path, spec }));
  const homeRoute = htmlRoute(() => listingPage('Latest news', listed()));
  const newsRoute = htmlRoute(() => listingPage('News', listed()));
  const unknownRoute = (path: string): Route => {
    if (unknownMode === 'soft') return htmlRoute(softNotFoundPage());
    // '/' itself must not redirect to itself.
    if (unknownMode === 'home') return path === '/' ? homeRoute : redirectRoute('/', 302);
    return htmlRoute(notFoundPage(404), 404);
  };
  /** Defines a non-article route: the path stops being an article, so listings drop it. */
  const define = (path: string, route: Route): void => {
    routes.set(path, route);
    articles.delete(path);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path) ?? imageRoute(path, photoVersions) ?? documentRoute(path) ?? unknownRoute(path);
    if (route.body === null) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (!/scrubwatch\//.test(req.headers['user-agent'] ?? '')) browserHits.set(path, (browserHits.get(path) ?? 0) + 1);
    if (isNotModified(route, req)) {
      notModified.set(path, (notModified.get(path) ?? 0) + 1);
      res.writeHead(304, route.headers.etag === undefined ? {} : { etag: route.headers.etag });
      res.end();
      return;
    }
    const body = typeof route.body === 'function' ? Buffer.from(route.body(), 'utf8') : route.body;
    res.writeHead(route.status, { 'content-length': String(body.length), ...route.headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer(handle);
  const origin = `http://127.0.0.1:${await listenOnLoopback(server)}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    article(path, spec) {
      routes.set(path, htmlRoute(articleHtml(spec), 200, { 'last-modified': 'Mon, 18 Feb 2019 12:00:00 GMT', 'set-cookie': 'session=secret-value; Path=/; HttpOnly' }));
      articles.set(path, spec);
      for (const photo of spec.photos) routes.delete(`/images/${photo.file}`);
    },
    html(path, body, status = 200, headers = {}) {
      define(path, htmlRoute(body, status, headers));
    },
    gone(path, status = 404) {
      define(path, htmlRoute(notFoundPage(status), status));
    },
    softGone(path) {
      define(path, htmlRoute(softNotFoundPage()));
    },
    blocked(path) {
      const headers = { 'content-type': 'text/html', server: 'AkamaiGHost', 'mime-version': '1.0', expires: new Date().toUTCString() };
      define(path, htmlRoute(accessDeniedPage(new URL(path, origin).href), 403, headers));
    },
    fail(path, status = 503) {
      if (!Number.isInteger(status) || status < 500 || status > 599) throw new RangeError(`fail() takes a 5xx status, not ${status}`);
      define(path, htmlRoute(serverErrorPage(status), status, { 'content-type': 'text/html', server: 'nginx' }));
    },
    home() {
      define('/', homeRoute);
      define('/news', newsRoute);
    },
    unknownPaths(mode) {
      unknownMode = mode;
    },
    versionedArticle(path, spec, validators) {
      routes.set(path, versionedArticleRoute(spec, validators));
      articles.set(path, spec);
      for (const photo of spec.photos) routes.delete(`/images/${photo.file}`);
    },
    redirect(path, to, status = 301) {
      define(path, redirectRoute(to, status));
    },
    hang(path) {
      define(path, { status: 200, headers: {}, body: null });
    },
    hits: (path) => hits.get(path) ?? 0,
    notModified: (path) => notModified.get(path) ?? 0,
    replacePhoto(file, options = {}) {
      const version = (photoVersions.get(file)?.version ?? 0) + 1;
      photoVersions.set(file, { version, sameLength: options.sameLength === true });
    },
    browserHits: (path) => browserHits.get(path) ?? 0,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How often a photo's bytes were replaced behind its URL, and whether the last replacement kept its size. */
interface PhotoVersion {
  version: number;
  sameLength: boolean;
}

/**
 * A generated photo: with an ETag of its bytes (honoured with 304), or, for a `.bare.png`, uncompressed and
 * without any validator — a client can only ask it with HEAD and compare lengths.
 */
function imageRoute(path: string, versions: ReadonlyMap<string, PhotoVersion>): Route | null {
  const match = /^\/images\/([\w.-]+\.png)$/.exec(path);
  const file = match?.[1];
  if (!file) return null;
  const bare = file.endsWith('.bare.png');
  const replaced = versions.get(file);
  const body = replaced
    ? solidPng(`${file}#${replaced.version}`, 200, replaced.sameLength ? 120 : 120 + replaced.version, bare)
    : solidPng(file, 200, 120, bare);
  const headers: Record<string, string> = { 'content-type': 'image/png', 'cache-control': 'no-cache' };
  if (!bare) headers.etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
  return { status: 200, headers, body };
}

function documentRoute(path: string): Route | null {
  const match = /^\/files\/([\w.-]+\.(pdf|docx?|xlsx?|csv|zip))$/.exec(path);
  if (!match?.[1]) return null;
  const body = Buffer.from(`%PDF-1.4\n% fixture document ${match[1]}\n%%EOF\n`, 'latin1');
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
  return { status: 200, headers: { 'content-type': match[2] === 'pdf' ? 'application/pdf' : 'application/octet-stream', etag }, body };
}

function versionedArticleRoute(spec: ArticleSpec, v: ArticleValidators): Route {
  const headers: Record<string, string> = {};
  if (v.etag !== undefined) headers.etag = v.etag;
  if (v.lastModified !== undefined) headers['last-modified'] = v.lastModified;
  return { ...htmlRoute(articleHtml(spec), 200, headers), conditional: v.conditional ?? 'honour' };
}

/** Whether a request is answered 304: its If-None-Match names the route's ETag, or where honoured its If-Modified-Since. */
function isNotModified(route: Route, req: IncomingMessage): boolean {
  if (route.conditional === 'ignore') return false;
  const { etag } = route.headers;
  if (etag !== undefined && req.headers['if-none-match'] === etag) return true;
  const lastModified = route.headers['last-modified'];
  return route.conditional === 'honour' && lastModified !== undefined && req.headers['if-modified-since'] === lastModified;
}
