import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { useContextRig } from '../helpers/context-rig.ts';
import { QUICK_DELIVERY, useNotifyWorker } from '../helpers/notify-rig.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { makeTarget, raise } from './raise.ts';
import { addSubscription, removeSubscription } from '../../src/notify/manage-subscriptions.ts';
import { enqueueDeliveries } from '../../src/notify/outbox.ts';
import { subscriptionFeed } from '../../src/notify/feed.ts';
import { getDelivery, listAttempts, listDeliveries, type Delivery } from '../../src/db/deliveries.ts';
import { getAlertsByIds } from '../../src/db/alerts.ts';
import { getSubscription } from '../../src/db/subscriptions.ts';
import { validateWebhookUrl, MAX_RESPONSE_BYTES } from '../../src/notify/channels/webhook.ts';
import { BlockedUrlError, InvalidInputError } from '../../src/errors/index.ts';
import type { NewSubscriptionInput } from '../../src/notify/manage-subscriptions.ts';
import type { AlertPayload } from '../../src/notify/payload.ts';

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('alert delivery: outbox, channels, retries, digests, feeds, Wayback', () => {
  let hook: WebhookReceiver;
  let smtp: SmtpCatcher;
  let wayback: FakeWayback;

  beforeAll(async () => {
    [hook, smtp, wayback] = await Promise.all([startWebhookReceiver(), startSmtpCatcher(), startFakeWayback()]);
  });
  afterAll(async () => {
    await Promise.all([hook?.close(), smtp?.close(), wayback?.close()]);
  });
  const rig = useContextRig(() => ({
    SMTP_URL: smtp.url,
    SCRUBWATCH_WAYBACK_URL: wayback.url,
    SCRUBWATCH_PUBLIC_URL: 'https://scrubwatch.example.org',
    ...QUICK_DELIVERY,
  }));
  const notify = useNotifyWorker(rig);

  async function subscribe(input: Partial<NewSubscriptionInput> & { receiver?: WebhookReceiver }) {
    const { receiver, ...rest } = input;
    const created = await addSubscription({ pool: rig.ctx.pool, config: rig.ctx.config, queue: notify.queue }, { name: 'researcher', ...(receiver ? { webhook: receiver.url } : {}), ...rest });
    if (receiver && created.secret) receiver.secret = created.secret;
    return created;
  }

  const settled = (id: number) => until(`delivery ${id} settled`, async () => {
    const d = await getDelivery(rig.ctx.pool, id);
    return d && ['delivered', 'failed', 'cancelled'].includes(d.status) ? d : null;
  });

  async function deliveriesOf(alertId: number): Promise<Delivery[]> {
    return (await listDeliveries(rig.ctx.pool)).filter((d) => d.alertId === alertId);
  }

  it('filters by target, tag, kind and minimum severity; writes deliveries in the alert transaction', async () => {
    const mali = await makeTarget(rig.ctx.pool, ['mali']);
    const other = await makeTarget(rig.ctx.pool, ['niger']);
    const r = await startWebhookReceiver();
    const subsMade: number[] = [];
    try {
      const byTarget = await subscribe({ receiver: r, targetIds: [mali] });
      const byTag = await subscribe({ receiver: r, tags: ['mali'] });
      const byKind = await subscribe({ receiver: r, kinds: ['phrase_removed'] });
      const bySeverity = await subscribe({ receiver: r, minSeverity: 'high' });
      const combined = await subscribe({ receiver: r, tags: ['niger'], kinds: ['media_removed'] });
      const subs = [byTarget, byTag, byKind, bySeverity, combined].map((c) => c.subscription.id);
      subsMade.push(...subs);
      const matched = async (targetId: number, kind: Parameters<typeof raise>[2]) =>
        (await deliveriesOf((await raise(rig.ctx.pool, targetId, kind)).id)).map((d) => d.subscriptionId).filter((id) => subs.includes(id)).sort((a, b) => a - b);
      expect(await matched(mali, 'content_removed')).toEqual([byTarget.subscription.id, byTag.subscription.id]);
      expect(await matched(other, 'phrase_removed')).toEqual([byKind.subscription.id, bySeverity.subscription.id]);
      expect(await matched(other, 'media_removed')).toEqual([combined.subscription.id]);
      expect(await matched(other, 'page_moved')).toEqual([]);
    } finally {
      // Unscoped subscriptions would match every later test's alerts.
      for (const id of subsMade) await removeSubscription({ pool: rig.ctx.pool, queue: notify.queue }, id);
      await r.close();
    }
  });

  it('delivers a signed webhook once, with evidence, snapshot links and the Wayback copy (also kept in the evidence)', async () => {
    const r = await startWebhookReceiver();
    try {
      const target = await makeTarget(rig.ctx.pool, ['immediate']);
      const created = await subscribe({ receiver: r, tags: ['immediate'] });
      expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
      const alert = await raise(rig.ctx.pool, target, 'phrase_removed');
      const [delivery] = await deliveriesOf(alert.id);
      expect(delivery!.status).toBe('pending');
      expect(await enqueueDeliveries(rig.ctx, [alert])).toBe(1);
      expect(await enqueueDeliveries(rig.ctx, [alert])).toBe(1); // the same job id again: no second send
      expect((await settled(delivery!.id)).status).toBe('delivered');
      const [got] = await r.waitFor(1);
      expect(got!.signature.ok).toBe(true);
      expect(got!.headers['idempotency-key']).toBe(String(delivery!.id));
      expect(got!.headers['content-type']).toBe('application/json');
      expect(got!.headers['user-agent']).toBe('scrubwatch');
      const p = got!.json as AlertPayload;
      expect(p).toMatchObject({
        schema: 'scrubwatch.alert/v1',
        deliveryId: delivery!.id,
        alert: { id: alert.id, kind: 'phrase_removed', severity: 'high', url: `https://scrubwatch.example.org/alerts/${alert.id}` },
        target: { id: target, tags: ['immediate'] },
        evidence: { items: [{ text: 'Col. Assimi Goita trained with US forces.' }] },
      });
      expect(p.wayback?.url).toMatch(/^https:\/\/web\.archive\.org\/web\/\d{14}\/https:\/\/www\.army\.mil\//);
      expect(p.evidence.wayback).toEqual(p.wayback);
      expect(p.snapshots).toContainEqual({ role: 'lastWith', id: alert.snapshotId, url: `https://scrubwatch.example.org/snapshots/${alert.snapshotId}` });
      const [stored] = await getAlertsByIds(rig.ctx.pool, [alert.id]);
      expect(stored!.evidence.wayback).toEqual(p.wayback);
      await new Promise((res) => setTimeout(res, 500));
      expect(r.received).toHaveLength(1);
      const attempts = await listAttempts(rig.ctx.pool, delivery!.id);
      expect(attempts).toMatchObject([{ ok: true, responseCode: 200, error: null }]);
      expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      await r.close();
    }
  });

  it('retries a failing receiver with backoff, recording every attempt, then delivers', async () => {
    const r = await startWebhookReceiver();
    try {
      const target = await makeTarget(rig.ctx.pool, ['flaky']);
      await subscribe({ receiver: r, tags: ['flaky'] });
      r.failNext(2);
      const alert = await raise(rig.ctx.pool, target, 'content_removed');
      await enqueueDeliveries(rig.ctx, [alert]);
      const [d] = await deliveriesOf(alert.id);
      expect(await settled(d!.id)).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200 });
      expect((await listAttempts(rig.ctx.pool, d!.id)).map((a) => [a.ok, a.responseCode])).toEqual([[false, 500], [false, 500], [true, 200]]);
      expect(new Set(r.received.map((x) => x.idempotencyKey))).toEqual(new Set([String(d!.id)]));
    } finally {
      await r.close();
    }
  });

  it('dead-letters a delivery once retries are exhausted', async () => {
    const r = await startWebhookReceiver();
    try {
      const target = await makeTarget(rig.ctx.pool, ['dead']);
      await subscribe({ receiver: r, tags: ['dead'] });
      r.behave('fail');
      const alert = await raise(rig.ctx.pool, target, 'media_removed');
      await enqueueDeliveries(rig.ctx, [alert]);
      const [d] = await deliveriesOf(alert.id);
      const failed = await settled(d!.id);
      expect(failed).toMatchObject({ status: 'failed', attempts: 4, responseCode: 500 });
      expect(failed.lastError).toMatch(/webhook answered 500/);
      expect((await listDeliveries(rig.ctx.pool, { failed: true })).map((x) => x.id)).toContain(d!.id);
    } finally {
      await r.close();
    }
  });

  it('cuts off a slow receiver at the timeout, and reads at most 64 KB of an oversize answer', async () => {
    const slow = await startWebhookReceiver();
    const huge = await startWebhookReceiver();
    try {
      const target = await makeTarget(rig.ctx.pool, ['limits']);
      await subscribe({ receiver: slow, tags: ['limits'] });
      await subscribe({ receiver: huge, tags: ['limits'] });
      slow.behave('slow');
      huge.behave('huge');
      const alert = await raise(rig.ctx.pool, target, 'embed_removed');
      await enqueueDeliveries(rig.ctx, [alert]);
      const [toSlow, toHuge] = await deliveriesOf(alert.id).then((ds) => ds.sort((a, b) => a.id - b.id));
      const hugeDone = await settled(toHuge!.id);
      expect(hugeDone.status).toBe('delivered');
      expect(huge.hugeBytesWritten()).toBeLessThan(20 * 1024 * 1024);
      expect(MAX_RESPONSE_BYTES).toBe(64 * 1024);
      const first = await until('first slow attempt', async () => (await listAttempts(rig.ctx.pool, toSlow!.id)).find((a) => a.finishedAt));
      expect(first.ok).toBe(false);
      expect(first.error).toMatch(/did not answer within 1000 ms/);
      expect(first.durationMs).toBeLessThan(5_000);
    } finally {
      await Promise.all([slow.close(), huge.close()]);
    }
  });

  it('does not let a failing Wayback Machine hold up a delivery', async () => {
    const r = await startWebhookReceiver();
    wayback.mode = 'fail';
    try {
      const target = await makeTarget(rig.ctx.pool, ['nowayback']);
      await subscribe({ receiver: r, tags: ['nowayback'] });
      const alert = await raise(rig.ctx.pool, target, 'page_removed');
      await enqueueDeliveries(rig.ctx, [alert]);
      const [d] = await deliveriesOf(alert.id);
      expect((await settled(d!.id)).status).toBe('delivered');
      expect((r.received[0]!.json as AlertPayload).wayback).toBeNull();
      const [stored] = await getAlertsByIds(rig.ctx.pool, [alert.id]);
      expect('wayback' in stored!.evidence).toBe(false); // not looked up successfully: tried again next time
    } finally {
      wayback.mode = 'ok';
      await r.close();
    }
  });

  it('emails an alert: plain text and HTML, escaped, with the evidence and the Wayback link', async () => {
    const target = await makeTarget(rig.ctx.pool, ['mail']);
    await subscribe({ email: 'analyst@example.org', tags: ['mail'] });
    const alert = await raise(rig.ctx.pool, target, 'content_removed', 'Photos of <b>Col. Goita</b> & staff');
    await enqueueDeliveries(rig.ctx, [alert]);
    const [mail] = await smtp.waitFor(smtp.messages.length + 1);
    expect(mail!.subject).toBe(`[scrubwatch] content_removed (medium): ${(await rig.ctx.pool.query('select url from targets where id = $1', [target])).rows[0].url}`);
    expect(mail!.text).toContain('Evidence: "Photos of <b>Col. Goita</b> & staff"');
    expect(mail!.text).toContain(`https://scrubwatch.example.org/alerts/${alert.id}`);
    expect(mail!.text).toMatch(/Wayback Machine copy before the removal: https:\/\/web\.archive\.org\/web\//);
    expect(mail!.html).toContain('Photos of &lt;b&gt;Col. Goita&lt;/b&gt; &amp; staff');
    expect(mail!.html).not.toContain('<b>Col. Goita</b>');
    const [d] = await deliveriesOf(alert.id);
    expect(await settled(d!.id)).toMatchObject({ status: 'delivered', responseCode: 250 });
  });

  it('gathers digest alerts and sends them once, as one JSON array', async () => {
    const r = await startWebhookReceiver();
    try {
      const target = await makeTarget(rig.ctx.pool, ['digest']);
      const created = await subscribe({ receiver: r, tags: ['digest'], digest: '5m' });
      const alerts = [await raise(rig.ctx.pool, target, 'content_removed'), await raise(rig.ctx.pool, target, 'media_removed')];
      await enqueueDeliveries(rig.ctx, alerts);
      const ds = (await Promise.all(alerts.map((a) => deliveriesOf(a.id)))).flat();
      expect(ds.map((d) => d.status)).toEqual(['digest', 'digest']);
      const schedulers = await notify.queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toContain(`digest-${created.subscription.id}`);
      // The first digest falls a whole interval after subscribing, not at the next 5-minute mark of the clock.
      const next = schedulers.find((s) => s.key === `digest-${created.subscription.id}`)!.next!;
      expect(next - Date.parse(created.subscription.createdAt)).toBeGreaterThanOrEqual(5 * 60_000 - 1_000);
      // The scheduler fires every 5 minutes; run one digest now, as it would.
      await notify.queue.add('digest', { kind: 'digest', subscriptionId: created.subscription.id }, { jobId: `digest-now-${created.subscription.id}` });
      const [got] = await r.waitFor(1);
      expect(got!.signature.ok).toBe(true);
      expect((got!.json as AlertPayload[]).map((p) => p.alert.id)).toEqual(alerts.map((a) => a.id));
      for (const d of ds) expect((await settled(d.id)).status).toBe('delivered');
      await notify.queue.add('digest', { kind: 'digest', subscriptionId: created.subscription.id }, { jobId: `digest-again-${created.subscription.id}` });
      await new Promise((res) => setTimeout(res, 1_000));
      expect(r.received).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('renders a feed subscription as valid Atom with its alerts', async () => {
    const target = await makeTarget(rig.ctx.pool, ['feed']);
    const created = await subscribe({ feed: true, tags: ['feed'] });
    expect(created.feedUrl).toMatch(/^https:\/\/scrubwatch\.example\.org\/feeds\/[A-Za-z0-9_-]{32}\.atom$/);
    const alert = await raise(rig.ctx.pool, target, 'phrase_removed', 'Assimi <Goita>');
    expect((await deliveriesOf(alert.id)).filter((d) => d.subscriptionId === created.subscription.id)).toEqual([]); // pulled, never pushed
    const xml = await subscriptionFeed(rig.ctx.pool, rig.ctx.config.publicUrl, (await getSubscription(rig.ctx.pool, created.subscription.id))!);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { feed: { '@_xmlns': string; entry: { id: string; title: string; content: { '#text': string } } | unknown[] } };
    expect(doc.feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    const entries = Array.isArray(doc.feed.entry) ? doc.feed.entry : [doc.feed.entry];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: `https://scrubwatch.example.org/alerts/${alert.id}` });
    expect(JSON.stringify(entries[0])).toContain('Assimi &lt;Goita&gt;');
  });

  it('refuses a private webhook address unless private networks are allowed, and an unreachable one', async () => {
    await expect(validateWebhookUrl('http://127.0.0.1:9/hook', false)).rejects.toBeInstanceOf(BlockedUrlError);
    await expect(validateWebhookUrl('http://169.254.169.254/latest', false)).rejects.toBeInstanceOf(BlockedUrlError);
    await expect(validateWebhookUrl(hook.url, true)).resolves.toBe(hook.url);
    const closed = await startWebhookReceiver();
    const url = closed.url;
    await closed.close();
    await expect(validateWebhookUrl(url, true)).rejects.toThrow(/cannot reach the webhook/);
    await expect(validateWebhookUrl('ftp://example.org/x', true)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
