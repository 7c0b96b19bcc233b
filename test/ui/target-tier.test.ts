import { describe, expect, it } from 'vitest';
import { useUiServer } from '../helpers/ui.ts';
import { formToken, signInSession } from '../helpers/sessions.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { putTierState } from '../../src/db/target-tiers.ts';
import { requireTarget } from '../../src/db/targets.ts';

describe("a target's page says how it is checked, and the add form takes the full-capture interval", () => {
  const rig = useUiServer();

  const page = async (cookie: string, path: string): Promise<string> => {
    const res = await fetch(`${rig.server.baseUrl}${path}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('shows the cadence before the first full capture, then what the last one taught', async () => {
    const { server } = rig;
    const target = await addTarget(server.ctx, { url: 'http://127.0.0.1:9/news/tier-page', options: { fullEvery: '2d' } });
    const { cookie } = await signInSession(server.baseUrl, server.tokens.reviewer);
    expect(await page(cookie, `/targets/${target.id}`)).toContain('Checked cheaply between full captures every 2 days; no full capture yet, so the next check opens the browser.');

    await putTierState(server.ctx.pool, {
      targetId: target.id, scriptDependent: true, plainPrint: null, etag: null, lastModified: null, trustsValidators: true, fullSnapshotId: null,
      fullAt: new Date('2026-06-01T08:30:00.000Z'),
    });
    const html = await page(cookie, `/targets/${target.id}`);
    expect(html).toContain('Script-dependent: always captured in the browser; last full capture 2026-06-01 08:30 UTC, next due 2026-06-03 08:30 UTC.');
    expect(html).toContain('ETag / Last-Modified answers are trusted.');
  }, 120_000);

  it('adds a target with the full-capture interval of the form, and says what is wrong with a bad one', async () => {
    const { server } = rig;
    const session = await signInSession(server.baseUrl, server.tokens.operator);
    const csrf = formToken(await page(session.cookie, '/targets'));
    const post = (fields: Record<string, string>) =>
      fetch(`${server.baseUrl}/targets`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
        body: new URLSearchParams({ _csrf: csrf, every: '6h', ...fields }),
      });
    const added = await post({ url: 'http://127.0.0.1:9/news/tier-form', full_every: '12h' });
    expect(added.status).toBe(303);
    const id = Number(/\/targets\/(\d+)/.exec(added.headers.get('location') ?? '')?.[1]);
    expect((await requireTarget(server.ctx.pool, id)).options.fullEvery).toBe('12h');

    const bad = await post({ url: 'http://127.0.0.1:9/news/tier-form-bad', full_every: 'weekly' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('&quot;weekly&quot; is not a duration; write it like 7d');
  }, 120_000);
});
