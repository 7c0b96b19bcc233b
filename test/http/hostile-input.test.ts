import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startUiServer, type UiServer } from '../helpers/ui.ts';
import { signInSession } from '../helpers/sessions.ts';
import { TEN_THOUSAND, UNSTORABLE, VERBATIM, tableNames } from '../helpers/hostile-strings.ts';
import { makeTarget, raise } from '../notify/raise.ts';
import type { Role } from '../../src/db/api-tokens.ts';
import { operatorPatternProblem } from '../../src/detect/operator-patterns.ts';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The routes that take a body, each with a role that may call it and a body it would accept. */
const BODY_ROUTES: readonly (readonly [string, string, Role])[] = [
  ['POST', '/api/targets', 'operator'],
  ['PATCH', '/api/targets/1', 'operator'],
  ['PATCH', '/api/alerts/1', 'reviewer'],
  ['POST', '/api/subscriptions', 'researcher'],
  ['POST', '/api/tokens', 'admin'],
];

describe('hostile input through the real HTTP API: a typed 4xx naming the field, nothing stored wrongly', () => {
  let db: TestDatabase;
  let server: UiServer;
  let tablesBefore: string[];
  let n = 0;

  const send = async (method: string, path: string, role: Role | null, body?: string, contentType = 'application/json'): Promise<Answer> => {
    const headers: Record<string, string> = { ...(role ? server.as(role) : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) };
    const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
  };
  const json = (method: string, path: string, role: Role, value: unknown) => send(method, path, role, JSON.stringify(value));
  const refused = (answer: Answer, status: number, error: string, field: string) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body).toMatchObject({ error, field, message: expect.stringMatching(/\w/) });
    expect(JSON.stringify(answer.body)).not.toMatch(/at \w+ \(|\.ts:\d+|stack/);
  };
  const count = async (table: string) => Number((await server.ctx.pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
  const nextUrl = () => `http://127.0.0.1:9/hostile/${++n}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
    tablesBefore = await tableNames(server.ctx.pool);
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('bodies: over 1 MiB is 413, broken or empty JSON and prototype keys are 400, not-JSON is 415; a caller without a token gets 401 first', async () => {
    refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), name: 'x'.repeat(1_100_000) }), 413, 'body_too_large', 'body');
    expect((await send('POST', '/api/targets', null, ' '.repeat(2 * 1024 * 1024))).status).toBe(401);
    for (const broken of ['{"url": ', "{'url': 'x'}", '{url: 1}', 'NaN', '[', '{"url":"a"}}', '\u0000']) {
      refused(await send('POST', '/api/targets', 'operator', broken), 400, 'invalid_input', 'body');
    }
    refused(await send('POST', '/api/targets', 'operator', ''), 400, 'invalid_input', 'body');
    refused(await send('POST', '/api/targets', 'operator', `{"url":"${nextUrl()}","__proto__":{"admin":true}}`), 400, 'invalid_input', 'body');
    refused(await send('POST', '/api/targets', 'operator', `{"url":"${nextUrl()}","constructor":{"prototype":{"admin":true}}}`), 400, 'invalid_input', 'body');
    for (const notObject of ['[]', '"a string"', '42', 'null']) refused(await send('POST', '/api/targets', 'operator', notObject), 400, 'invalid_input', 'body');
    const deep = `{"url":"${nextUrl()}","options":{"ignore":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect((await send('POST', '/api/targets', 'operator', deep)).status).toBe(400);
    for (const [method, path, role] of BODY_ROUTES) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json-patch+json']) {
        refused(await send(method, path, role, 'url=http%3A%2F%2F127.0.0.1%3A9%2F', type), 415, 'unsupported_media_type', 'content-type');
      }
    }
    expect((await send('GET', '/healthz', null)).status).toBe(200);
    expect(await count('targets')).toBe(0);
  });

  it('target URLs: unknown schemes, malformed, credentials, oversize and SQL are refused naming url', async () => {
    const urls = [
      'file:///etc/passwd', 'javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'ftp://127.0.0.1/x', 'gopher://127.0.0.1:70/_',
      'ws://127.0.0.1:9/', 'chrome://settings', 'about:blank', 'blob:http://127.0.0.1/x', 'http://', 'http://:80/x', '//127.0.0.1/x', 'not a url', ' ',
      'http://user:secret@127.0.0.1:9/x', `http://127.0.0.1:9/${'a'.repeat(3_000)}`, "'; drop table targets; --", 'http://[::1', 'http://127.0.0.1:99999/',
    ];
    for (const url of urls) refused(await json('POST', '/api/targets', 'operator', { url }), 400, 'invalid_input', 'url');
    for (const url of [null, { href: 'http://127.0.0.1:9/' }, ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']]) refused(await json('POST', '/api/targets', 'operator', { url }), 400, 'invalid_input', 'url');
    for (const url of UNSTORABLE.map((s) => `http://127.0.0.1:9/${s}`)) refused(await json('POST', '/api/targets', 'operator', { url }), 400, 'invalid_input', 'url');
    expect(await count('targets')).toBe(0);
  });

  it('schedules: bad intervals and cron patterns are refused naming every or cron', async () => {
    for (const every of ['often', '5s', '0m', '400d', '-1h', '1.5h', "6h'; --", TEN_THOUSAND]) {
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), every }), 400, 'invalid_input', 'every');
    }
    for (const cron of ['* *', '61 * * * *', '* 25 * * *', '* * * * * *', '@reboot', 'every day', "0 0 * * *'; drop table targets; --", `${'1,'.repeat(5_000)}1 * * * *`]) {
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), cron }), 400, 'invalid_input', 'cron');
    }
    expect(await count('targets')).toBe(0);
  });

  it('every text field of a target stores SQL, markup, emoji and RTL verbatim, and refuses oversize and unstorable text naming the field', async () => {
    const fields: [string, (s: string) => Record<string, unknown>][] = [
      ['name', (s) => ({ name: s })],
      ['options.waitFor', (s) => ({ options: { waitFor: s } })],
      ['options.ignore.0', (s) => ({ options: { ignore: [s] } })],
      ['options.phrases.0', (s) => ({ options: { phrases: [s] } })],
      ['options.notFound.0', (s) => ({ options: { notFound: [s] } })],
    ];
    const read = (t: Record<string, unknown>, field: string) => field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], t);
    let created = 0;
    for (const [field, body] of fields) {
      for (const text of VERBATIM) {
        const answer = await json('POST', '/api/targets', 'operator', { url: nextUrl(), ...body(text) });
        if (field === 'options.notFound.0' && operatorPatternProblem(text) !== null) {
          refused(answer, 400, 'invalid_input', field);
          continue;
        }
        expect(answer.status, `${field} ${text}`).toBe(201);
        created++;
        const stored = await send('GET', `/api/targets/${answer.body.id as number}`, 'reviewer');
        expect(read(stored.body, field), field).toBe(text);
      }
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), ...body(TEN_THOUSAND) }), 400, 'invalid_input', field);
      for (const text of UNSTORABLE) refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), ...body(text) }), 400, 'invalid_input', field);
    }
    for (const tag of [...VERBATIM, TEN_THOUSAND, ...UNSTORABLE]) refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), tags: [tag] }), 400, 'invalid_input', 'tags.0');
    const patched = await json('PATCH', '/api/targets/1', 'operator', { name: VERBATIM[0], options: { phrases: [VERBATIM[1]] } });
    expect(patched.body).toMatchObject({ name: VERBATIM[0], options: { phrases: [VERBATIM[1]] } });
    for (const text of UNSTORABLE) refused(await json('PATCH', '/api/targets/1', 'operator', { name: text }), 400, 'invalid_input', 'name');
    expect(await count('targets')).toBe(created);
  });

  it('subscriptions: names verbatim; schemes, emails, tags, digests and unstorable text refused naming the field', async () => {
    for (const name of VERBATIM) {
      const made = await json('POST', '/api/subscriptions', 'researcher', { name, channel: 'feed' });
      expect(made.status).toBe(201);
      expect(made.body.name).toBe(name);
    }
    for (const name of [TEN_THOUSAND, ...UNSTORABLE]) refused(await json('POST', '/api/subscriptions', 'researcher', { name, channel: 'feed' }), 400, 'invalid_input', 'name');
    for (const webhookUrl of ['javascript:alert(1)', 'file:///etc/passwd', 'data:application/json,{}', 'ftp://127.0.0.1/', 'not a url', "'; drop table subscriptions; --", TEN_THOUSAND, ...UNSTORABLE]) {
      refused(await json('POST', '/api/subscriptions', 'researcher', { name: 'w', channel: 'webhook', webhookUrl }), 400, 'invalid_input', 'webhookUrl');
    }
    for (const email of ["'; drop table subscriptions; --", 'a@b', `${'a'.repeat(400)}@example.org`, 'x@example.org\r\nBcc: victim@example.org', ...UNSTORABLE]) {
      const answer = await json('POST', '/api/subscriptions', 'researcher', { name: 'e', channel: 'email', email });
      refused(answer, 400, 'invalid_input', 'email');
      // Refused for what it is, not because this server has no SMTP server configured.
      expect(answer.body.message).not.toMatch(/SMTP/);
    }
    refused(await json('POST', '/api/subscriptions', 'researcher', { name: 't', channel: 'feed', tags: ["'; drop table subscriptions; --"] }), 400, 'invalid_input', 'tags.0');
    refused(await json('POST', '/api/subscriptions', 'researcher', { name: 'k', channel: 'feed', kinds: ["page_removed' or 1=1"] }), 400, 'invalid_input', 'kinds.0');
    refused(await json('POST', '/api/subscriptions', 'researcher', { name: 'd', channel: 'webhook', webhookUrl: 'http://127.0.0.1:9/', digestEvery: '1 or 1=1' }), 400, 'invalid_input', 'digestEvery');
    expect(await count('subscriptions')).toBe(VERBATIM.length);
  });

  it('token names verbatim; roles, oversize and unstorable names refused naming the field', async () => {
    for (const name of VERBATIM) {
      const made = await json('POST', '/api/tokens', 'admin', { role: 'researcher', name });
      expect(made.status).toBe(201);
      expect(made.body.name).toBe(name);
    }
    for (const role of ["admin'; --", 'ADMIN', 'root', '']) refused(await json('POST', '/api/tokens', 'admin', { role }), 400, 'invalid_input', 'role');
    for (const name of [TEN_THOUSAND, ...UNSTORABLE]) refused(await json('POST', '/api/tokens', 'admin', { role: 'researcher', name }), 400, 'invalid_input', 'name');
    expect(await count('api_tokens')).toBe(4 + VERBATIM.length);
  });

  it('alert triage notes: verbatim through the API and the UI form; oversize and unstorable refused naming note', async () => {
    const alert = await raise(server.ctx.pool, await makeTarget(server.ctx.pool), 'page_removed');
    for (const note of VERBATIM) {
      const triaged = await json('PATCH', `/api/alerts/${alert.id}`, 'reviewer', { state: 'confirmed', note });
      expect(triaged.status).toBe(200);
      expect(triaged.body.triage).toMatchObject({ note });
    }
    for (const note of [TEN_THOUSAND, ...UNSTORABLE]) refused(await json('PATCH', `/api/alerts/${alert.id}`, 'reviewer', { state: 'dismissed', note }), 400, 'invalid_input', 'note');
    refused(await json('PATCH', `/api/alerts/${alert.id}`, 'reviewer', { state: "dismissed'; --" }), 400, 'invalid_input', 'state');
    const { cookie, csrf } = await signInSession(server.baseUrl, server.tokens.reviewer);
    const form = (fields: Record<string, string>) =>
      fetch(`${server.baseUrl}/alerts/${alert.id}/triage`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, ...fields }) });
    expect((await form({ state: 'dismissed', note: VERBATIM[7]! })).status).toBe(303);
    const nul = await form({ state: 'open', note: UNSTORABLE[0]! });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain('note: contains a NUL character');
    expect((await send('GET', `/api/alerts/${alert.id}`, 'reviewer')).body).toMatchObject({ state: 'dismissed', triage: { note: VERBATIM[7] } });
  });

  it('the UI add-target form refuses the same input with a 400 page, and adds nothing', async () => {
    const before = await count('targets');
    const { cookie, csrf } = await signInSession(server.baseUrl, server.tokens.operator);
    for (const [fields, says] of [
      [{ url: 'javascript:alert(1)' }, 'only http:// and https://'],
      [{ url: 'file:///etc/passwd' }, 'only http:// and https://'],
      [{ url: nextUrl(), name: UNSTORABLE[0]! }, 'name: contains a NUL character'],
      [{ url: nextUrl(), every: "6h'; drop table targets; --" }, 'every: is too long'],
    ] as const) {
      const res = await fetch(`${server.baseUrl}/targets`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, ...fields }) });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(says);
    }
    expect(await count('targets')).toBe(before);
  });

  it('afterwards every table is still there, and nothing failed with a 500', async () => {
    expect(await tableNames(server.ctx.pool)).toEqual(tablesBefore);
    expect(tablesBefore).toEqual(expect.arrayContaining(['targets', 'snapshots', 'blobs', 'alerts', 'subscriptions', 'api_tokens']));
  });
});
