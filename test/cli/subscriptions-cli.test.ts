import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli } from '../helpers/cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { makeTarget, raise } from '../notify/raise.ts';

describe('scrubwatch subscriptions and deliveries', () => {
  let db: TestDatabase;
  let hook: WebhookReceiver;
  const prefix = uniquePrefix();
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    hook = await startWebhookReceiver();
    env = testEnv(db.url, prefix, { SCRUBWATCH_PUBLIC_URL: 'https://watch.example.org/' });
  });
  afterAll(async () => {
    await hook?.close();
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  it('adds a webhook subscription, showing its secret once; list never shows it; remove deletes it', async () => {
    const added = await runCli(['subscriptions', 'add', '--name', 'newsroom', '--webhook', hook.url, '--tag', 'mali', '--kind', 'page_removed', '--min-severity', 'medium', '--digest', '6h', '--json'], env);
    expect(added.code).toBe(0);
    const sub = JSON.parse(added.stdout) as Record<string, unknown>;
    expect(sub).toMatchObject({ name: 'newsroom', channel: 'webhook', webhookUrl: hook.url, tags: ['mali'], kinds: ['page_removed'], minSeverity: 'medium', digestEvery: '6h', active: true });
    expect(sub.secret).toMatch(/^[0-9a-f]{64}$/);
    const list = await runCli(['subscriptions', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(sub.secret as string);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: sub.id, name: 'newsroom' })]);
    const removed = await runCli(['subscriptions', 'remove', String(sub.id), '--json'], env);
    expect(removed.code).toBe(0);
    expect(JSON.parse((await runCli(['subscriptions', 'list', '--json'], env)).stdout)).toEqual([]);
  });

  it('adds a feed subscription with its URL shown once, and prints its Atom feed', async () => {
    const target = await makeTarget(db.pool, ['feed']);
    const added = await runCli(['subscriptions', 'add', '--name', 'reader', '--feed', '--target', String(target), '--json'], env);
    expect(added.code).toBe(0);
    const sub = JSON.parse(added.stdout) as { id: number; feedUrl: string };
    expect(sub.feedUrl).toMatch(/^https:\/\/watch\.example\.org\/feeds\/[A-Za-z0-9_-]+\.atom$/);
    const alert = await raise(db.pool, target, 'phrase_removed');
    const printed = await runCli(['subscriptions', 'feed', String(sub.id)], env);
    expect(printed.code).toBe(0);
    expect(XMLValidator.validate(printed.stdout)).toBe(true);
    expect(printed.stdout).toContain(`https://watch.example.org/alerts/${alert.id}`);
    const out = join(mkdtempSync(join(tmpdir(), 'scrubwatch-feed-')), 'feed.atom');
    expect((await runCli(['subscriptions', 'feed', String(sub.id), '--out', out], env)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout.trimEnd());
  });

  it('refuses bad input with exit code 2 and a reason', async () => {
    const cases: [string[], RegExp][] = [
      [['--webhook', hook.url, '--feed'], /exactly one of/],
      [['--email', 'a@example.org'], /SMTP_URL/],
      [['--webhook', 'http://127.0.0.1:1/hook'], /cannot reach the webhook/],
      [['--feed', '--kind', 'nonsense'], /^scrubwatch: --kind must be one of page_removed, /],
      [['--feed', '--digest', '6h'], /always pulled/],
    ];
    for (const [flags, reason] of cases) {
      const r = await runCli(['subscriptions', 'add', '--name', 'x', ...flags], env);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(reason);
    }
    const strict = await runCli(['subscriptions', 'add', '--name', 'x', '--webhook', hook.url], { ...env, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false' });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/private or reserved address/);
  });

  it('lists deliveries, and only the dead letter with --failed', async () => {
    const all = await runCli(['deliveries', '--json'], env);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual([]);
    const failed = await runCli(['deliveries', '--failed'], env);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain('no failed deliveries');
  });
});
