import { describe, expect, it } from 'vitest';
import { useUiServer } from '../helpers/ui.ts';
import { signInSession } from '../helpers/sessions.ts';
import { CONTROLS } from '../helpers/hostile-strings.ts';
import { makeTarget, raise } from '../notify/raise.ts';
import type { Role } from '../../src/db/api-tokens.ts';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Seen: a target name with ESC/BEL sequences, set by an operator token through the API, retitled and cleared the
 * terminal of whoever ran `targets list`. Every text an operator gives refuses control characters, naming the field.
 */
describe('control characters in operator text through the real HTTP API and UI: 400 naming the field, nothing stored', () => {
  const rig = useUiServer();
  let n = 0;

  const json = async (method: string, path: string, role: Role, value: unknown): Promise<Answer> => {
    const res = await fetch(`${rig.server.baseUrl}${path}`, { method, headers: { ...rig.server.as(role), 'content-type': 'application/json' }, body: JSON.stringify(value) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (path: string, role: Role) => (await (await fetch(`${rig.server.baseUrl}${path}`, { headers: rig.server.as(role) })).json()) as Record<string, unknown>;
  const refused = (answer: Answer, field: string, what: string) => {
    expect(answer.status, `${field} ${what}: ${JSON.stringify(answer.body)}`).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_input', field, message: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}: contains (a control character|a bidirectional-text control|a line break)`)) });
  };
  const count = async (table: string) => Number((await rig.server.ctx.pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
  const nextUrl = () => `http://127.0.0.1:9/controls/${++n}`;


  it('targets (add and change), subscriptions and tokens refuse each control character in every text field', async () => {
    const target = await json('POST', '/api/targets', 'operator', { url: nextUrl(), name: 'plain' });
    expect(target.status).toBe(201);
    const path = `/api/targets/${target.body.id as number}`;
    for (const text of CONTROLS) {
      const what = JSON.stringify(text);
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), name: text }), 'name', what);
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), options: { waitFor: text } }), 'options.waitFor', what);
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), options: { ignore: ['nav', text] } }), 'options.ignore.1', what);
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), options: { phrases: [text] } }), 'options.phrases.0', what);
      refused(await json('POST', '/api/targets', 'operator', { url: nextUrl(), options: { notFound: [text] } }), 'options.notFound.0', what);
      refused(await json('PATCH', path, 'operator', { name: text }), 'name', what);
      refused(await json('PATCH', path, 'operator', { options: { phrases: ['fine', text] } }), 'options.phrases.1', what);
      refused(await json('POST', '/api/subscriptions', 'researcher', { name: text, channel: 'feed' }), 'name', what);
      refused(await json('POST', '/api/tokens', 'admin', { role: 'researcher', name: text }), 'name', what);
    }
    expect(await count('targets')).toBe(1);
    expect(await get(path, 'reviewer')).toMatchObject({ name: 'plain', options: { phrases: [] } });
    expect(await count('subscriptions')).toBe(0);
    expect(await count('api_tokens')).toBe(4);
  });

  it('a triage note keeps its lines and tabs but refuses controls, through the API and the UI form', async () => {
    const alert = await raise(rig.server.ctx.pool, await makeTarget(rig.server.ctx.pool), 'page_removed');
    const note = 'Checked with the desk.\nStill gone:\r\n\t- photo 2';
    const triaged = await json('PATCH', `/api/alerts/${alert.id}`, 'reviewer', { state: 'confirmed', note });
    expect(triaged.status).toBe(200);
    expect(triaged.body.triage).toMatchObject({ note });
    for (const text of CONTROLS.filter((c) => !c.includes('\r'))) refused(await json('PATCH', `/api/alerts/${alert.id}`, 'reviewer', { state: 'dismissed', note: text }), 'note', JSON.stringify(text));

    const { cookie, csrf } = await signInSession(rig.server.baseUrl, rig.server.tokens.reviewer);
    const form = (fields: Record<string, string>) =>
      fetch(`${rig.server.baseUrl}/alerts/${alert.id}/triage`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, ...fields }) });
    const escaped = await form({ state: 'open', note: CONTROLS[0]! });
    expect(escaped.status).toBe(400);
    expect(await escaped.text()).toContain('note: contains a control character (U+001B)');
    expect((await form({ state: 'dismissed', note: 'typed in a textarea\r\nsecond line' })).status).toBe(303);
    expect(await get(`/api/alerts/${alert.id}`, 'reviewer')).toMatchObject({ state: 'dismissed', triage: { note: 'typed in a textarea\r\nsecond line' } });
  });

  it('the UI add-target form refuses a control character in the name with a 400 page', async () => {
    const before = await count('targets');
    const { cookie, csrf } = await signInSession(rig.server.baseUrl, rig.server.tokens.operator);
    const res = await fetch(`${rig.server.baseUrl}/targets`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, url: nextUrl(), name: CONTROLS[6]! }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('name: contains a bidirectional-text control (U+202E)');
    expect(await count('targets')).toBe(before);
  });
});
