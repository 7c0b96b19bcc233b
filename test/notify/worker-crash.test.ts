import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { killTree } from '../helpers/processes.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { makeTarget, raise } from './raise.ts';
import { getDelivery, listAttempts, listDeliveries } from '../../src/db/deliveries.ts';

describe('exactly once across a worker killed mid-delivery', () => {
  let db: TestDatabase;
  let hook: WebhookReceiver;
  let wayback: FakeWayback;
  const prefix = uniquePrefix();
  const workers: ChildProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    [hook, wayback] = await Promise.all([startWebhookReceiver(), startFakeWayback()]);
    // A short lock, so the killed worker's delivery is taken up again in seconds, not a minute.
    env = testEnv(db.url, prefix, { SCRUBWATCH_WAYBACK_URL: wayback.url, SCRUBWATCH_LOCK_DURATION: '3s' });
  });
  afterAll(async () => {
    for (const w of workers) await killTree(w);
    await Promise.all([hook?.close(), wayback?.close()]);
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  it('an alert committed but never queued is sent by the next worker; a send cut off by kill -9 is resent under the same Idempotency-Key and recorded once', async () => {
    const target = await makeTarget(db.pool, ['crash']);
    const added = await runCli(['subscriptions', 'add', '--name', 'newsroom', '--webhook', hook.url, '--target', String(target), '--json'], env);
    expect(added.code).toBe(0);
    hook.secret = (JSON.parse(added.stdout) as { secret: string }).secret;
    // Raised as a capture would, but the process "crashed" before queueing: only the outbox knows.
    const alert = await raise(db.pool, target, 'page_removed');
    const [delivery] = (await listDeliveries(db.pool)).filter((d) => d.alertId === alert.id);
    expect(delivery!.status).toBe('pending');

    hook.behave('hold');
    const first = await startCli(['worker'], env, 'notify worker started');
    workers.push(first);
    const [held] = await hook.waitFor(1);
    expect(held!.signature.ok).toBe(true);
    expect((await getDelivery(db.pool, delivery!.id))!.status).toBe('sending');
    // killTree only sends the signals; the exit is what says the worker died (a hang here is the test's timeout).
    const died = new Promise<NodeJS.Signals | null>((resolve) => first.once('exit', (_code, signal) => resolve(signal)));
    await killTree(first);
    expect(await died).toBe('SIGKILL');

    hook.behave('ok');
    const second = await startCli(['worker'], env, 'notify worker started');
    workers.push(second);
    // BullMQ hands the dead worker's job on once its lock expires and the stall check sees it (3-6 s here).
    const [, resent] = await hook.waitFor(2, 30_000);
    expect(resent!.idempotencyKey).toBe(held!.idempotencyKey);
    expect(resent!.idempotencyKey).toBe(String(delivery!.id));
    expect(hook.accepted()).toHaveLength(1);
    const deadline = Date.now() + 10_000;
    while ((await getDelivery(db.pool, delivery!.id))!.status !== 'delivered' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await getDelivery(db.pool, delivery!.id)).toMatchObject({ status: 'delivered', responseCode: 200 });
    const attempts = await listAttempts(db.pool, delivery!.id);
    expect(attempts.map((a) => [a.ok, a.finishedAt === null])).toEqual([[null, true], [true, false]]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(hook.received).toHaveLength(2);
    await killTree(second);
  }, 90_000);
});
