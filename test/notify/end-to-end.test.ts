import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { useNotifyWorker } from '../helpers/notify-rig.ts';
import { waitUntil } from '../helpers/processes.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { addSubscription } from '../../src/notify/manage-subscriptions.ts';
import { subscriptionFeed } from '../../src/notify/feed.ts';
import { getSubscription } from '../../src/db/subscriptions.ts';
import { listDeliveries } from '../../src/db/deliveries.ts';
import type { AlertPayload } from '../../src/notify/payload.ts';

describe('an alert raised through the real capture loop reaches a webhook, an inbox and a feed, once each', () => {
  let hook: WebhookReceiver;
  let smtp: SmtpCatcher;
  let wayback: FakeWayback;

  beforeAll(async () => {
    [hook, smtp, wayback] = await Promise.all([startWebhookReceiver(), startSmtpCatcher(), startFakeWayback()]);
  });
  afterAll(async () => {
    await Promise.all([hook?.close(), smtp?.close(), wayback?.close()]);
  });
  const rig = useFixtureRig(() => ({ SMTP_URL: smtp.url, SCRUBWATCH_WAYBACK_URL: wayback.url }));
  beforeAll(() => rig.site.home());
  const notify = useNotifyWorker(rig);

  it('page_removed with evidence, the last screenshot and a Wayback link', async () => {
    const deps = { pool: rig.ctx.pool, config: rig.ctx.config, queue: notify.queue };
    const page = await watchPage(rig.ctx, rig.site, '/news/flintlock-e2e', articleFor('/news/flintlock-e2e'), { confirm: 1, archive: true });
    const webhook = await addSubscription(deps, { name: 'newsroom', webhook: hook.url, targetIds: [page.targetId] });
    hook.secret = webhook.secret!;
    await addSubscription(deps, { name: 'analyst', email: 'analyst@example.org', targetIds: [page.targetId] });
    const feed = await addSubscription(deps, { name: 'reader', feed: true, targetIds: [page.targetId] });

    expect(await page.captureTimes(1)).toEqual([]);
    rig.site.gone(page.path, 404);
    const saved = await page.capture();
    expect(saved.alerts.map((a) => a.kind)).toEqual(['page_removed']);
    const alert = saved.alerts[0]!;

    const [got] = await hook.waitFor(1);
    const [mail] = await smtp.waitFor(1);
    expect(got!.signature.ok).toBe(true);
    const p = got!.json as AlertPayload;
    expect(p.alert).toMatchObject({ id: alert.id, kind: 'page_removed', severity: 'high' });
    expect(p.target.url).toBe(rig.site.url(page.path));
    expect(p.evidence).toMatchObject({ firstWithoutSnapshotId: saved.snapshot.id, items: [expect.objectContaining({ signal: 'status_404' })] });
    expect(p.wayback?.url).toContain(rig.site.url(page.path));

    expect(mail!.subject).toContain('page_removed');
    expect(mail!.text).toContain(rig.site.url(page.path));
    expect(mail!.text).toContain(p.wayback!.url);
    const screenshot = mail!.attachments.find((a) => a.cid === 'screenshot@scrubwatch');
    expect(screenshot?.contentType).toBe('image/png');
    expect(screenshot!.content.subarray(1, 4).toString()).toBe('PNG');

    const sub = (await getSubscription(rig.ctx.pool, feed.subscription.id))!;
    const xml = await subscriptionFeed(rig.ctx.pool, rig.ctx.config.publicUrl, sub);
    expect(XMLValidator.validate(xml)).toBe(true);
    const entry = (new XMLParser().parse(xml) as { feed: { entry: { id: string; content: string } } }).feed.entry;
    expect(entry.id).toBe(`${rig.ctx.config.publicUrl}/alerts/${alert.id}`);
    expect(entry.content).toContain('web.archive.org');

    // The receivers saw the requests arrive; the worker records the outcome only once it has their answers.
    const settled = await waitUntil('both deliveries to settle', async () => {
      const deliveries = await listDeliveries(rig.ctx.pool);
      return deliveries.every((d) => d.status !== 'pending' && d.status !== 'sending') && deliveries;
    }, 20_000);
    const outbox = (deliveries: typeof settled) => deliveries.map((d) => [d.channel, d.status, d.attempts]).sort();
    expect(outbox(settled)).toEqual([
      ['email', 'delivered', 1],
      ['webhook', 'delivered', 1],
    ]);
    // Once each: nothing more arrives, and the outbox still says so.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hook.received).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    expect(outbox(await listDeliveries(rig.ctx.pool))).toEqual(outbox(settled));
    // The first capture of an archived target asked Save Page Now for a public copy.
    expect(wayback.saves).toContain(rig.site.url(page.path));
  });
});
