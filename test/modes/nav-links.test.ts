import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'htmlparser2';
import { findAll, getAttributeValue, textContent } from 'domutils';
import { closedLoopbackPort } from '../../src/net/listen-loopback.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { MODES, setUpMode, type ModeSetup } from '../helpers/modes.ts';
import { stopProcess, type WorkerProcess } from '../helpers/processes.ts';
import { signInSession } from '../helpers/sessions.ts';

const SLOW_MS = 240_000;

/** The links of a page's main navigation, as `[text, href]`. */
function navLinks(html: string): [string, string][] {
  const nav = findAll((e) => e.name === 'nav' && getAttributeValue(e, 'aria-label') === 'Main', parseDocument(html).children)[0];
  if (!nav) return [];
  return findAll((e) => e.name === 'a', nav.children).map((a) => [textContent(a).trim(), getAttributeValue(a, 'href') ?? '']);
}

// One `scrubwatch start` per mode, as a user runs it: spawning a mode is slow, so everything is asked of one process.
describe.each(MODES)('the nav of a scrubwatch started in the %s mode', (mode) => {
  let setup: ModeSetup;
  let running: WorkerProcess | null = null;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    setup = await setUpMode(mode);
    const port = await closedLoopbackPort();
    const env = setup.env({ PORT: String(port) });
    if (mode !== 'embedded') {
      const migrated = await runCli(['migrate'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
    }
    running = await startCli(['start'], env, 'server listening', SLOW_MS);
    baseUrl = `http://127.0.0.1:${port}`;
    const created = await runCli(['tokens', 'create', '--role', 'admin', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    token = (JSON.parse(created.stdout) as { token: string }).token;
  }, SLOW_MS);
  afterAll(async () => {
    if (running) expect((await stopProcess(running, 'SIGTERM', 60_000)).code).toBe(0);
    await setup?.dispose();
  }, SLOW_MS);

  it('answers 200 for every link it shows an admin, and /docs carries scrubwatch’s name', async () => {
    const { cookie } = await signInSession(baseUrl, token);
    const inbox = await fetch(`${baseUrl}/alerts`, { headers: { cookie } });
    expect(inbox.status).toBe(200);
    const links = navLinks(await inbox.text());
    const names = links.map(([text]) => text);
    expect(names).toEqual(expect.arrayContaining(['Alerts', 'Targets', 'Sources']));
    // The queue board reads Redis: it is offered (and works) with the queues there, and not linked otherwise.
    expect(names.includes('Queues')).toBe(mode === 'redis');
    for (const [text, href] of links) {
      const res = await fetch(new URL(href, baseUrl), { headers: { cookie } });
      expect(res.status, `${text} ${href}`).toBe(200);
      await res.arrayBuffer();
    }
    const docs = await fetch(`${baseUrl}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    const title = /<title>([^<]*)<\/title>/.exec(await docs.text())?.[1] ?? '';
    expect(title).toContain('scrubwatch');
    expect(title).not.toContain('Swagger UI');
  }, SLOW_MS);
});
