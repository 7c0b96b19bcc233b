import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useContextRig } from '../helpers/context-rig.ts';
import { anonymousSession, signInSession, type BrowserSession } from '../helpers/sessions.ts';
import { buildServer } from '../../src/http/server.ts';
import { createApiToken, type Role } from '../../src/db/api-tokens.ts';

type Who = 'none' | Role;
const CALLERS: readonly Who[] = ['none', 'researcher', 'reviewer', 'operator', 'admin'];

/**
 * Who may use a route, written out by hand (not derived from the grants it checks). `api` routes are called with
 * a bearer token and refuse with 401/403 JSON; `page` routes with the session cookie (and the CSRF token for
 * forms) and refuse by sending the visitor to sign in, or with a 403 page.
 */
interface Rule {
  kind: 'api' | 'page';
  allow: 'anyone' | readonly Role[];
  /** The body a caller sends: JSON `{}` or the form with only its CSRF token (both make no change). */
  body?: 'json' | 'form';
  /** The exact status every allowed caller gets, when it is known (else: anything but a refusal or a 500). */
  status?: number;
}

const READERS: readonly Role[] = ['reviewer', 'operator', 'admin'];
const WRITERS: readonly Role[] = ['operator', 'admin'];
const TRIAGERS: readonly Role[] = ['reviewer', 'admin'];
const EVERY_ROLE: readonly Role[] = ['researcher', 'reviewer', 'operator', 'admin'];
const SUBSCRIBERS: readonly Role[] = ['researcher', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

const TABLE: Record<string, Rule> = {
  'GET /healthz': { kind: 'api', allow: 'anyone', status: 200 },
  'GET /readyz': { kind: 'api', allow: 'anyone' },
  'GET /metrics': { kind: 'api', allow: 'anyone', status: 200 },
  'GET /openapi.json': { kind: 'api', allow: 'anyone', status: 200 },
  'GET /feeds/:token.atom': { kind: 'api', allow: 'anyone', status: 404 },
  'GET /api/targets': { kind: 'api', allow: READERS, status: 200 },
  'POST /api/targets': { kind: 'api', allow: WRITERS, body: 'json', status: 400 },
  'GET /api/targets/:id': { kind: 'api', allow: READERS, status: 404 },
  'PATCH /api/targets/:id': { kind: 'api', allow: WRITERS, body: 'json', status: 404 },
  'DELETE /api/targets/:id': { kind: 'api', allow: WRITERS, status: 404 },
  'POST /api/targets/:id/check': { kind: 'api', allow: WRITERS, status: 404 },
  'GET /api/targets/:id/snapshots': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/sources': { kind: 'api', allow: READERS, status: 200 },
  'POST /api/sources': { kind: 'api', allow: WRITERS, body: 'json', status: 400 },
  'GET /api/sources/:id': { kind: 'api', allow: READERS, status: 404 },
  'PATCH /api/sources/:id': { kind: 'api', allow: WRITERS, body: 'json', status: 404 },
  'DELETE /api/sources/:id': { kind: 'api', allow: WRITERS, status: 404 },
  'POST /api/sources/:id/run': { kind: 'api', allow: WRITERS, status: 404 },
  'GET /api/snapshots/:id': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/snapshots/:id/screenshot.png': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/snapshots/:id/text': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/snapshots/:id/html': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/snapshots/:id/media/:sha256': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/snapshots/:id/diff': { kind: 'api', allow: READERS, status: 400 },
  'GET /api/alerts': { kind: 'api', allow: EVERY_ROLE, status: 200 },
  'GET /api/alerts/:id': { kind: 'api', allow: EVERY_ROLE, status: 404 },
  'PATCH /api/alerts/:id': { kind: 'api', allow: TRIAGERS, body: 'json', status: 400 },
  // The package holds the snapshots' pages: alerts:read and snapshots:read.
  'GET /api/alerts/:id/evidence.wacz': { kind: 'api', allow: READERS, status: 404 },
  'GET /api/snapshots/:id/capture.wacz': { kind: 'api', allow: READERS, status: 404 },
  // No `q`: a 400 naming it.
  'GET /api/search': { kind: 'api', allow: EVERY_ROLE, status: 400 },
  'GET /api/searches': { kind: 'api', allow: EVERY_ROLE, status: 200 },
  'POST /api/searches': { kind: 'api', allow: EVERY_ROLE, body: 'json', status: 400 },
  'GET /api/searches/:id': { kind: 'api', allow: EVERY_ROLE, status: 404 },
  'DELETE /api/searches/:id': { kind: 'api', allow: EVERY_ROLE, status: 404 },
  'GET /api/subscriptions': { kind: 'api', allow: SUBSCRIBERS, status: 200 },
  'POST /api/subscriptions': { kind: 'api', allow: SUBSCRIBERS, body: 'json', status: 400 },
  'DELETE /api/subscriptions/:id': { kind: 'api', allow: SUBSCRIBERS, status: 404 },
  'GET /api/tokens': { kind: 'api', allow: ADMINS, status: 200 },
  'POST /api/tokens': { kind: 'api', allow: ADMINS, body: 'json', status: 400 },
  'DELETE /api/tokens/:id': { kind: 'api', allow: ADMINS, status: 404 },
  'GET /static/*': { kind: 'page', allow: 'anyone', status: 200 },
  'GET /': { kind: 'page', allow: 'anyone', status: 303 },
  'GET /signin': { kind: 'page', allow: 'anyone' },
  // The form posts a wrong token: refused alike for everyone, whoever is signed in already.
  'POST /signin': { kind: 'page', allow: 'anyone', body: 'form', status: 401 },
  'POST /signout': { kind: 'page', allow: 'anyone', body: 'form', status: 303 },
  'GET /alerts': { kind: 'page', allow: EVERY_ROLE, status: 200 },
  'GET /alerts/:id': { kind: 'page', allow: EVERY_ROLE, status: 404 },
  'POST /alerts/:id/triage': { kind: 'page', allow: TRIAGERS, body: 'form', status: 400 },
  // No ids: a 400 page saying what to send.
  'POST /alerts/triage': { kind: 'page', allow: TRIAGERS, body: 'form', status: 400 },
  'GET /alerts/:id/evidence.wacz': { kind: 'page', allow: READERS, status: 404 },
  'GET /targets': { kind: 'page', allow: READERS, status: 200 },
  'POST /targets': { kind: 'page', allow: WRITERS, body: 'form', status: 400 },
  'GET /targets/:id': { kind: 'page', allow: READERS, status: 404 },
  'POST /targets/:id/check': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'POST /targets/:id/pause': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'POST /targets/:id/resume': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'POST /targets/:id/delete': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'GET /sources': { kind: 'page', allow: READERS, status: 200 },
  'POST /sources': { kind: 'page', allow: WRITERS, body: 'form', status: 400 },
  'GET /sources/:id': { kind: 'page', allow: READERS, status: 404 },
  'POST /sources/:id/run': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'POST /sources/:id/pause': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'POST /sources/:id/resume': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  'POST /sources/:id/delete': { kind: 'page', allow: WRITERS, body: 'form', status: 404 },
  // No query: the search page with its empty box.
  'GET /search': { kind: 'page', allow: EVERY_ROLE, status: 200 },
  'POST /search/saved': { kind: 'page', allow: EVERY_ROLE, body: 'form', status: 400 },
  'GET /snapshots/:id': { kind: 'page', allow: READERS, status: 404 },
  // No `against`, and no stored change to compare with: a 400 page saying so.
  'GET /snapshots/:id/diff': { kind: 'page', allow: READERS, status: 400 },
  'GET /snapshots/:id/visual-diff.png': { kind: 'page', allow: READERS, status: 400 },
  // What the snapshot page shows (its images and the archived page's frame), on the session: the API takes none.
  'GET /snapshots/:id/screenshot.png': { kind: 'page', allow: READERS, status: 404 },
  'GET /snapshots/:id/html': { kind: 'page', allow: READERS, status: 404 },
  'GET /snapshots/:id/media/:sha256': { kind: 'page', allow: READERS, status: 404 },
  // The archived frame's photos: no session (the sandboxed frame sends none); the link's signature stands for it.
  'GET /snapshots/:id/frame-media/:sha256': { kind: 'api', allow: 'anyone', status: 404 },
  'GET /snapshots/:id/thumbnail.png': { kind: 'page', allow: READERS, status: 404 },
  // The alert page's proof: a crop needs its region (a 400 without one), a document is one the snapshot kept.
  'GET /snapshots/:id/screenshot/crop': { kind: 'page', allow: READERS, status: 400 },
  'GET /snapshots/:id/documents/:sha256': { kind: 'page', allow: READERS, status: 404 },
};

/**
 * Plugins that mount many routes under one prefix behind one guard (Swagger UI, the queue board): every one of
 * their routes is still requested as each caller; only the rule is shared.
 */
const PREFIXES: readonly (readonly [string, Rule])[] = [
  ['/docs', { kind: 'api', allow: 'anyone' }],
  ['/admin/queues', { kind: 'page', allow: ADMINS, body: 'json' }],
];

/** Ids and names that exist nowhere, so an allowed call answers 404 or 400 and changes nothing. */
const SAMPLE_PARAMS: Record<string, string> = {
  id: '987654321',
  sha256: 'a'.repeat(64),
  token: 'no-such-feed',
  queueName: 'no-such-queue',
  jobId: 'no-such-job',
  queueStatus: 'failed',
  schedulerId: 'no-such-scheduler',
};

/** A file each static route serves, so the request reaches the route rather than the not-found handler. */
const WILDCARD_FILES: Record<string, string> = {
  '/static/*': 'ui.css',
  '/docs/static/*': 'index.html',
  '/admin/queues/static/*': 'favicon.ico',
};

function concretePath(url: string): string {
  const path = url.replace(/:(\w+)/g, (_, name: string) => {
    const value = SAMPLE_PARAMS[name];
    if (!value) throw new Error(`no sample value for the path parameter :${name} of ${url}; add one to SAMPLE_PARAMS`);
    return value;
  });
  if (!path.endsWith('*')) return path;
  const file = WILDCARD_FILES[path];
  if (!file) throw new Error(`no sample file for ${url}; add one to WILDCARD_FILES`);
  return `${path.slice(0, -1)}${file}`;
}

/** The rule of `METHOD url`: its own row, a HEAD's GET row (Fastify adds HEAD to every GET), or its prefix. */
function ruleFor(method: string, url: string): { key: string; rule: Rule } | null {
  for (const key of [`${method} ${url}`, method === 'HEAD' ? `GET ${url}` : '']) {
    if (TABLE[key]) return { key, rule: TABLE[key] };
  }
  const prefix = PREFIXES.find(([p]) => url === p || url.startsWith(`${p}/`));
  return prefix ? { key: `${prefix[0]}/*`, rule: prefix[1] } : null;
}

describe('every route checks its role', () => {
  const rig = useContextRig();
  let app: FastifyInstance;
  let baseUrl: string;
  const routes: { method: string; url: string }[] = [];
  const tokens = {} as Record<Role, string>;
  const sessions = {} as Record<Who, BrowserSession>;

  beforeAll(async () => {
    app = await buildServer(rig.ctx, { onRoute: (r) => [r.method].flat().forEach((method) => routes.push({ method, url: r.url })) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    for (const role of ['admin', 'operator', 'reviewer', 'researcher'] as const) {
      tokens[role] = (await createApiToken(rig.ctx.pool, role, `${role} (route table)`)).secret;
      sessions[role] = await signInSession(baseUrl, tokens[role]);
    }
    sessions.none = await anonymousSession(baseUrl);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has a rule for every route the server serves, and no rule for a route it does not', () => {
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((r) => !ruleFor(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(missing, 'routes with no row in TABLE: add one saying who may call them').toEqual([]);
    const used = new Set(routes.map((r) => ruleFor(r.method, r.url)?.key));
    const stale = [...Object.keys(TABLE), ...PREFIXES.map(([p]) => `${p}/*`)].filter((k) => !used.has(k));
    expect(stale, 'rows of TABLE that match no route').toEqual([]);
  });

  it('answers each route as the table says, for no token and for each role', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const { method, url } of routes) {
      const { rule } = ruleFor(method, url)!;
      const path = concretePath(url);
      for (const who of CALLERS) {
        const headers: Record<string, string> = {};
        let body: string | undefined;
        if (rule.kind === 'api') {
          if (who !== 'none') headers.authorization = `Bearer ${tokens[who]}`;
        } else {
          headers.cookie = sessions[who].cookie;
        }
        if (rule.body === 'json' && method !== 'HEAD' && method !== 'GET') {
          headers['content-type'] = 'application/json';
          body = '{}';
        } else if (rule.body === 'form') {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = new URLSearchParams({ _csrf: sessions[who].csrf, ...(url === '/signin' ? { token: 'swt_wrong' } : {}) }).toString();
        }
        const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
        const text = method === 'HEAD' ? '' : await res.text();
        requests++;
        const where = `${who} ${method} ${path} → ${res.status} ${text.slice(0, 120)}`;
        const allowed = rule.allow === 'anyone' || (who !== 'none' && rule.allow.includes(who));
        const toSignIn = res.status === 303 && (res.headers.get('location') ?? '').startsWith('/signin');
        if (allowed) {
          const refused = res.status === 401 || res.status === 403 || (rule.allow !== 'anyone' && toSignIn);
          if (rule.status !== undefined ? res.status !== rule.status : refused || (res.status >= 500 && res.status !== 503)) failures.push(`expected allowed${rule.status ? ` (${rule.status})` : ''}: ${where}`);
          if (text.includes('"no route')) failures.push(`no route matched the sample path: ${where}`);
        } else if (rule.kind === 'api') {
          const expected = who === 'none' ? [401, 'unauthorized'] : [403, 'forbidden'];
          if (res.status !== expected[0] || (method !== 'HEAD' && !text.includes(`"error":"${expected[1]}"`))) failures.push(`expected ${expected.join(' ')}: ${where}`);
        } else if (who === 'none' ? !toSignIn : res.status !== 403) {
          failures.push(`expected ${who === 'none' ? 'a redirect to /signin' : 'a 403 page'}: ${where}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBe(routes.length * CALLERS.length);
  });

  it('the API never takes the UI session cookie: every route that needs a role answers 401 to an admin session', async () => {
    const accepted: string[] = [];
    let checked = 0;
    for (const { method, url } of routes) {
      const { rule } = ruleFor(method, url)!;
      if (rule.kind !== 'api' || rule.allow === 'anyone') continue;
      const body = rule.body === 'json' && method !== 'GET' && method !== 'HEAD' ? '{}' : undefined;
      const headers: Record<string, string> = { cookie: sessions.admin.cookie, ...(body ? { 'content-type': 'application/json' } : {}) };
      const res = await fetch(`${baseUrl}${concretePath(url)}`, { method, headers, body, redirect: 'manual' });
      const text = method === 'HEAD' ? '' : await res.text();
      checked++;
      if (res.status !== 401 || (method !== 'HEAD' && !text.includes('"error":"unauthorized"'))) accepted.push(`${method} ${url} → ${res.status} ${text.slice(0, 120)}`);
    }
    expect(checked).toBeGreaterThan(20);
    expect(accepted).toEqual([]);
  });

  it('every state-changing UI route refuses a browser request from another origin, even with the session and its CSRF token', async () => {
    const allowed: string[] = [];
    let checked = 0;
    // A page on another port of the same host, as a current browser and as one that sends only Origin; a sandboxed frame.
    const elsewhere: Record<string, string>[] = [{ origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }, { origin: 'http://127.0.0.1:1' }, { origin: 'null' }];
    for (const { method, url } of routes) {
      const { rule } = ruleFor(method, url)!;
      if (rule.kind !== 'page' || ['GET', 'HEAD', 'OPTIONS'].includes(method)) continue;
      for (const browserHeaders of elsewhere) {
        const form = rule.body !== 'json';
        const body = form ? new URLSearchParams({ _csrf: sessions.admin.csrf, ...(url === '/signin' ? { token: tokens.admin } : {}) }).toString() : '{}';
        const headers = { cookie: sessions.admin.cookie, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...browserHeaders };
        const res = await fetch(`${baseUrl}${concretePath(url)}`, { method, headers, body, redirect: 'manual' });
        checked++;
        if (res.status !== 403) allowed.push(`${method} ${url} ${JSON.stringify(browserHeaders)} → ${res.status}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(allowed).toEqual([]);
  });
});
