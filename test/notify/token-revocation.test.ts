import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { testEnv } from '../helpers/context.ts';
import { runCli } from '../helpers/cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { makeTarget, raise } from './raise.ts';
import { startNotifyWorker, type RunningNotifyWorker } from '../../src/app/notify-worker.ts';
import { processors } from '../../jobs/index.ts';
import { enqueueDeliveries } from '../../src/notify/outbox.ts';
import { listDeliveries } from '../../src/db/deliveries.ts';
import { jobIds } from '../../src/queue/vocabulary.ts';

describe('revoking a token ends the subscriptions it made', () => {
  let db: TestDatabase;
  let server: TestServer;
  let notify: RunningNotifyWorker;
  let hook: WebhookReceiver;
  let wayback: FakeWayback;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    [hook, wayback] = await Promise.all([startWebhookReceiver(), startFakeWayback()]);
    server = await createTestServer(db.url, { SCRUBWATCH_WAYBACK_URL: wayback.url });
    notify = await startNotifyWorker(server.ctx, processors.notify);
    cliEnv = testEnv(db.url, server.ctx.config.queuePrefix);
  });
  afterAll(async () => {
    await notify?.close();
    await server?.dispose();
    await Promise.all([hook?.close(), wayback?.close()]);
    await db?.drop();
  });

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, auth: { authorization: string }, body?: unknown) =>
    server.app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });

  /** A researcher's token, made through the API as an admin would. */
  async function researcher(name: string): Promise<{ id: number; auth: { authorization: string } }> {
    const made = await api('POST', '/api/tokens', server.as('admin'), { role: 'researcher', name });
    expect(made.statusCode).toBe(201);
    const { id, token } = made.json<{ id: number; token: string }>();
    return { id, auth: { authorization: `Bearer ${token}` } };
  }

  async function subscribe(auth: { authorization: string }, body: Record<string, unknown>): Promise<{ id: number; secret?: string; feedUrl?: string }> {
    const made = await api('POST', '/api/subscriptions', auth, body);
    expect(made.statusCode, made.body).toBe(201);
    return made.json();
  }

  const feedPath = (feedUrl: string) => new URL(feedUrl).pathname;
  const deliveriesOf = async (alertId: number) => (await listDeliveries(server.ctx.pool)).filter((d) => d.alertId === alertId);

  it('its webhook gets nothing more (a queued job included), its feed answers 410, and the CLI says what ended', { timeout: 90_000 }, async () => {
    const { ctx } = server;
    const target = await makeTarget(ctx.pool);
    const owner = await researcher('revoked researcher');
    const webhook = await subscribe(owner.auth, { name: 'newsroom hook', channel: 'webhook', webhookUrl: hook.url, targetIds: [target] });
    hook.secret = webhook.secret!;
    const feed = await subscribe(owner.auth, { name: 'newsroom feed', channel: 'feed', targetIds: [target] });
    // Someone else's subscription to the same target, which the revocation must leave alone.
    const bystander = await researcher('bystander');
    const kept = await subscribe(bystander.auth, { name: 'kept feed', channel: 'feed', targetIds: [target] });

    // The control: while the token lives, its webhook gets an alert and its feed answers.
    const first = await raise(ctx.pool, target, 'phrase_removed');
    await enqueueDeliveries(ctx, [first]);
    await hook.waitFor(1);
    expect((await server.app.inject({ method: 'GET', url: feedPath(feed.feedUrl!) })).statusCode).toBe(200);

    // An alert whose delivery job is queued but not yet taken when the token is revoked (the queue paused meanwhile).
    await notify.queue.pause();
    const second = await raise(ctx.pool, target, 'phrase_removed');
    await enqueueDeliveries(ctx, [second]);
    const queued = await notify.queue.getJob(jobIds.deliver(second.id, webhook.id));
    expect(['waiting', 'paused']).toContain(await queued?.getState());

    const revoked = await runCli(['tokens', 'revoke', String(owner.id), '--json'], cliEnv);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({
      id: owner.id,
      revoked: true,
      endedSubscriptions: [{ id: webhook.id, name: 'newsroom hook', channel: 'webhook' }, { id: feed.id, name: 'newsroom feed', channel: 'feed' }],
      cancelledDeliveries: 1,
    });

    await notify.queue.resume();
    await expect.poll(() => queued!.getState(), { timeout: 20_000 }).toBe('completed');
    expect(hook.received, 'webhook requests after the revocation').toHaveLength(1);
    expect(await deliveriesOf(second.id)).toEqual([expect.objectContaining({ subscriptionId: webhook.id, status: 'cancelled', attempts: 0 })]);

    // A new alert makes no delivery for an ended subscription; the feed is gone; the bystander's still answers.
    const third = await raise(ctx.pool, target, 'phrase_removed');
    expect(await deliveriesOf(third.id)).toEqual([]);
    const gone = await server.app.inject({ method: 'GET', url: feedPath(feed.feedUrl!) });
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ error: 'gone', message: expect.stringContaining('revoked') });
    expect((await server.app.inject({ method: 'GET', url: feedPath(kept.feedUrl!) })).statusCode).toBe(200);

    // Still listed, as inactive, for whoever manages subscriptions.
    const listed = (await api('GET', '/api/subscriptions', server.as('admin'))).json<{ items: { id: number; active: boolean }[] }>().items;
    expect(listed.map((s) => [s.id, s.active])).toEqual([[webhook.id, false], [feed.id, false], [kept.id, true]]);
  });

  it('on the terminal, and through the API, revocation says what it ended', { timeout: 60_000 }, async () => {
    const one = await researcher('one feed');
    const sub = await subscribe(one.auth, { name: 'reading list', channel: 'feed' });
    const printed = await runCli(['tokens', 'revoke', String(one.id)], cliEnv);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout.trim()).toBe(`revoked token #${one.id}; ended its subscription: #${sub.id} reading list (feed)`);

    const none = await researcher('no subscriptions');
    const answered = await api('DELETE', `/api/tokens/${none.id}`, server.as('admin'));
    expect(answered.json()).toEqual({ id: none.id, revoked: true, endedSubscriptions: [], cancelledDeliveries: 0 });
    expect((await api('DELETE', `/api/tokens/${none.id}`, server.as('admin'))).statusCode).toBe(404);
  });
});
