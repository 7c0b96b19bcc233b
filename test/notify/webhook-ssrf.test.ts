import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDelivery, listAttempts, listDeliveries, type Delivery } from '../../src/db/deliveries.ts';
import { BlockedUrlError } from '../../src/errors/index.ts';
import { postWebhook, validateWebhookUrl, type WebhookRequest } from '../../src/notify/channels/webhook.ts';
import { addSubscription, removeSubscription } from '../../src/notify/manage-subscriptions.ts';
import { enqueueDeliveries } from '../../src/notify/outbox.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { QUICK_DELIVERY, useNotifyWorker } from '../helpers/notify-rig.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startLoopbackPair, type LoopbackPair } from '../helpers/loopback-pair.ts';
import { makeTarget, raise } from './raise.ts';

// 127.0.0.1 plays the public receiver (the one allowed network), 127.0.0.2 on the same port the private service.
let dns: TestDnsServer;
let pair: LoopbackPair;

beforeAll(async () => {
  [dns, pair] = await Promise.all([startDnsServer(), startLoopbackPair()]);
  for (const site of [pair.public, pair.private]) site.route('/hook', (_req, res) => res.writeHead(200).end('ok'));
});
afterAll(async () => {
  await Promise.all([dns?.close(), pair?.close()]);
});

function hook(url: string): WebhookRequest {
  return {
    url,
    body: '{"schema":"test"}',
    secret: 'secret',
    idempotencyKey: 'k1',
    timeoutMs: 2_000,
    allowPrivateNetworks: false,
    allowedNetworks: ['127.0.0.1/32'],
    dnsServers: [dns.address],
  };
}

describe('postWebhook and validateWebhookUrl', () => {
  it.each([
    (port: number) => `http://127.0.0.2:${port}/hook`,
    (port: number) => `http://[::ffff:127.0.0.2]:${port}/hook`,
    (port: number) => `http://[::ffff:7f00:2]:${port}/hook`,
    (port: number) => `http://[::1]:${port}/hook`,
    (port: number) => `http://0.0.0.0:${port}/hook`,
    (port: number) => `http://localhost:${port}/hook`,
    () => 'http://169.254.169.254/latest/meta-data/',
    () => 'http://10.0.0.1/hook',
  ])('refuses a webhook on a private literal (%#), at subscription and at every send', async (url) => {
    const target = url(pair.port);
    await expect(postWebhook(hook(target))).rejects.toThrow(BlockedUrlError);
    await expect(validateWebhookUrl(target, hook(target))).rejects.toThrow(BlockedUrlError);
    expect(pair.private.connections()).toBe(0);
  });

  it.each(['file:///etc/passwd', 'view-source:file:///etc/passwd'])('refuses to send to %s, a URL that reached the database past validation', async (url) => {
    await expect(postWebhook(hook(url))).rejects.toThrow(new BlockedUrlError(`${url} is not an http(s) address; scrubwatch only ever reaches http:// and https:// addresses`));
  });

  it('refuses a webhook whose name resolves to a private address, saying which', async () => {
    dns.set('hook-private.sw.test', { answers: ['::ffff:127.0.0.2'] });
    const url = `http://hook-private.sw.test:${pair.port}/hook`;
    await expect(postWebhook(hook(url))).rejects.toThrow(/hook-private\.sw\.test resolves to ::ffff:127\.0\.0\.2, which is a private/);
    await expect(validateWebhookUrl(url, hook(url))).rejects.toThrow(BlockedUrlError);
    expect(pair.private.connections()).toBe(0);
  });

  it('refuses the send of a webhook that passed validation and then rebinds', async () => {
    dns.set('hook-rebind.sw.test', { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    const url = `http://hook-rebind.sw.test:${pair.port}/hook`;
    await expect(validateWebhookUrl(url, hook(url))).resolves.toBe(url);
    for (let i = 0; i < 3; i++) await expect(postWebhook(hook(url))).rejects.toThrow(/resolves to 127\.0\.0\.2/);
    expect(pair.private.connections()).toBe(0);
    expect(pair.public.requests.filter((p) => p === '/hook')).toEqual([]);
  });

  it('delivers to an allowed address by name', async () => {
    dns.set('hook-public.sw.test', { answers: ['127.0.0.1'] });
    const before = pair.public.requests.length;
    expect(await postWebhook(hook(`http://hook-public.sw.test:${pair.port}/hook`))).toMatchObject({ status: 200, excerpt: 'ok' });
    expect(pair.public.requests.slice(before)).toEqual(['/hook']);
  });
});

describe('a delivery to a webhook that rebinds to a private address', () => {
  const rig = useContextRig(() => ({
    SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false',
    SCRUBWATCH_ALLOWED_NETWORKS: '127.0.0.1/32',
    SCRUBWATCH_DNS_SERVERS: dns.address,
    ...QUICK_DELIVERY,
  }));
  const notify = useNotifyWorker(rig);

  it('is refused at every attempt, recorded, retried and dead-lettered: nothing sent, nothing lost', async () => {
    dns.set('delivery-rebind.sw.test', { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    const url = `http://delivery-rebind.sw.test:${pair.port}/hook`;
    const publicBefore = pair.public.requests.length;
    const created = await addSubscription({ pool: rig.ctx.pool, config: rig.ctx.config, queue: notify.queue }, { name: 'rebinder', webhook: url, tags: ['ssrf'] });
    try {
      const alert = await raise(rig.ctx.pool, await makeTarget(rig.ctx.pool, ['ssrf']), 'content_removed');
      await enqueueDeliveries(rig.ctx, [alert]);
      const [delivery] = (await listDeliveries(rig.ctx.pool)).filter((d) => d.alertId === alert.id);
      expect(delivery).toBeDefined();
      const settled = await until(async () => {
        const d = await getDelivery(rig.ctx.pool, delivery!.id);
        return d?.status === 'failed' || d?.status === 'delivered' ? d : null;
      });
      expect(settled).toMatchObject({ status: 'failed', responseCode: null });
      expect(settled.attempts).toBeGreaterThan(1);
      expect(settled.lastError).toMatch(/delivery-rebind\.sw\.test resolves to 127\.0\.0\.2, which is a private or reserved address/);
      const attempts = await listAttempts(rig.ctx.pool, delivery!.id);
      expect(attempts.length).toBe(settled.attempts);
      expect(attempts.every((a) => a.ok === false && /resolves to 127\.0\.0\.2/.test(a.error ?? ''))).toBe(true);
      expect((await listDeliveries(rig.ctx.pool, { failed: true })).map((d) => d.id)).toContain(delivery!.id);
      expect(pair.private.connections()).toBe(0);
      expect(pair.public.requests.length).toBe(publicBefore);
    } finally {
      await removeSubscription({ pool: rig.ctx.pool, queue: notify.queue }, created.subscription.id);
    }
  });
});

async function until(probe: () => Promise<Delivery | null>, timeoutMs = 20_000): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the delivery to settle');
    await new Promise((r) => setTimeout(r, 100));
  }
}
