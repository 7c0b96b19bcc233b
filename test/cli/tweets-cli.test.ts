import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { startFakeOembed, type FakeOembed } from '../helpers/oembed-server.ts';
import { articleFor } from '../helpers/watch.ts';
import { unscheduleForCli } from '../helpers/unschedule.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';

const ID = '1097535219338194944';
const TEXT = 'Flintlock 2019 kicks off in Burkina Faso and Mauritania. #Flintlock2019';

describe('watching tweets through the CLI and a real worker', () => {
  let db: TestDatabase;
  let site: FixtureSite;
  let oembed: FakeOembed;
  let env: Record<string, string>;
  let prefix: string;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    site = await startFixtureSite();
    oembed = await startFakeOembed();
    prefix = uniquePrefix();
    env = testEnv(db.url, prefix, { SCRUBWATCH_OEMBED_URL: oembed.url });
    worker = await startCli(['worker'], env, 'worker started');
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await new Promise((r) => (worker && worker.exitCode === null ? worker.once('exit', r) : r(null)));
    await site?.close();
    await oembed?.close();
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  const cli = async <T>(...args: string[]): Promise<T> => {
    const r = await runCli([...args, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  it('adds a tweet by any URL form, probes it, finds the page embedding it, and flags its deletion', { timeout: 180_000 }, async () => {
    oembed.answer(ID, { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
    const tweet = await cli<{ id: number; kind: string; url: string }>('targets', 'add', `https://x.com/USAfricaCommand/status/${ID}?s=20`);
    expect(tweet).toMatchObject({ kind: 'tweet', url: `https://twitter.com/i/web/status/${ID}` });
    // Only the checks below may probe it: a first probe of its own after the 404 would raise the deletion early.
    await unscheduleForCli(env, [{ id: tweet.id, kind: 'tweet' }]);
    const duplicate = await runCli(['targets', 'add', `https://mobile.twitter.com/USAfricaCommand/status/${ID}`], env);
    // A duplicate is bad input: exit 2, naming the target that exists.
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(`id ${tweet.id}`);

    const up = await cli<{ snapshot: { fetcher: string; status: number; outcome: { kind: string } } }>('check', String(tweet.id));
    expect(up.snapshot).toMatchObject({ fetcher: 'oembed', status: 200, outcome: { kind: 'ok' } });

    site.article('/news/embeds', articleFor('/news/embeds', { tweet: { statusId: ID, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' } }));
    const page = await cli<{ id: number }>('targets', 'add', site.url('/news/embeds'));
    await unscheduleForCli(env, [{ id: page.id, kind: 'page' }]);
    await cli('check', String(page.id));

    oembed.answer(ID, { status: 404 });
    const first = await cli<{ alerts: unknown[] }>('check', String(tweet.id));
    expect(first.alerts).toEqual([]);
    const second = await cli<{ alerts: Array<{ kind: string }> }>('check', String(tweet.id));
    expect(second.alerts.map((a) => a.kind)).toEqual(['tweet_deleted']);

    const alerts = await cli<Array<{ kind: string; severity: string; evidence: { items: Array<{ lastText: string; embeddedIn: Array<{ targetId: number }> }> } }>>('alerts', '--kind', 'tweet_deleted');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high' });
    expect(alerts[0]!.evidence.items[0]).toMatchObject({ lastText: TEXT, embeddedIn: [{ targetId: page.id }] });

    const tweets = await cli<Array<{ id: number; lifecycle: string; lastSeen: { text: string }; lastVerdict: { source: string; signal: string }; embeddedIn: Array<{ targetId: number }> }>>('tweets');
    expect(tweets).toHaveLength(1);
    expect(tweets[0]).toMatchObject({ id: tweet.id, lifecycle: 'removed', lastSeen: { text: TEXT }, lastVerdict: { source: 'oembed', signal: 'oembed_404' }, embeddedIn: [{ targetId: page.id }] });
    const human = await runCli(['tweets'], env);
    expect(human.stdout).toContain(`embedded in #${page.id}`);
  });
});
