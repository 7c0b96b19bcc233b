import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { articleFor } from '../helpers/watch.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

interface Alert {
  id: number;
  kind: string;
  severity: string;
  targetId: number;
  evidence: Record<string, unknown>;
}

/**
 * Every alert kind through the whole product as an operator drives it: `targets add`, `check --json` through a
 * running `scrubwatch worker`, then `alerts --json`. Alerts are read from `alerts`, not from what each `check`
 * reports: a new target's first capture is also queued (seconds to minutes after adding), and when it runs between
 * the test's checks, it is the one that raises the alert.
 */
describe('every alert kind through the CLI and a real worker', () => {
  let db: TestDatabase;
  let site: FixtureSite;
  let env: Record<string, string>;
  let prefix: string;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    site = await startFixtureSite();
    site.home();
    prefix = uniquePrefix();
    env = testEnv(db.url, prefix, { SCRUBWATCH_UNREACHABLE_AFTER: '1s' });
    worker = await startCli(['worker'], env, 'worker started');
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await new Promise((r) => (worker && worker.exitCode === null ? worker.once('exit', r) : r(null)));
    await site?.close();
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  async function check(id: number): Promise<void> {
    const r = await runCli(['check', String(id), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
  }

  async function alertsOf(id: number, kind?: string): Promise<Alert[]> {
    const r = await runCli(['alerts', '--target', String(id), ...(kind ? ['--kind', kind] : []), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as Alert[]).sort((a, b) => a.id - b.id);
  }

  const spec = (path: string) => {
    const s = articleFor(path);
    // Without the captioned photo of him, so only the paragraph carries the watched name.
    return { ...s, photos: s.photos.slice(1) };
  };

  it.each<[string, string, (path: string) => void, number, number]>([
    ['page_removed', 'high', (p) => site.gone(p, 404), 2, 0],
    ['content_removed', 'medium', (p) => site.article(p, { ...spec(p), paragraphs: flintlockArticle.paragraphs.filter((x) => x !== GOITA) }), 2, 0],
    ['phrase_removed', 'high', (p) => site.article(p, { ...spec(p), paragraphs: flintlockArticle.paragraphs.filter((x) => x !== GOITA) }), 2, 0],
    ['media_removed', 'medium', (p) => site.article(p, { ...spec(p), photos: [] }), 2, 0],
    ['embed_removed', 'medium', (p) => site.article(p, { ...spec(p), tweet: null }), 2, 0],
    ['page_moved', 'low', (p) => { site.article(`${p}-moved`, spec(p)); site.redirect(p, `${p}-moved`); }, 1, 0],
    ['page_blocked', 'low', (p) => site.blocked(p), 2, 1_100],
    ['page_unreachable', 'low', (p) => site.fail(p, 502), 2, 1_100],
  ])('%s (%s)', { timeout: 180_000 }, async (kind, severity, takeDown, checksAfter, pauseMs) => {
    const path = `/news/cli-${kind}`;
    site.article(path, spec(path));
    const added = await runCli(['targets', 'add', site.url(path), '--phrase', 'Assimi Goita', '--tag', kind, '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as { id: number }).id;
    await check(id);
    expect(await alertsOf(id)).toEqual([]);
    takeDown(path);
    for (let i = 0; i < checksAfter; i++) {
      if (i > 0 && pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      await check(id);
    }
    const alerts = await alertsOf(id, kind);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind, severity, targetId: id });
  });

  it('page_restored (low) when a removed page comes back', { timeout: 180_000 }, async () => {
    const path = '/news/cli-restored';
    site.article(path, spec(path));
    const id = (JSON.parse((await runCli(['targets', 'add', site.url(path), '--confirm', '1', '--json'], env)).stdout) as { id: number }).id;
    await check(id);
    site.gone(path, 410);
    await check(id);
    expect((await alertsOf(id)).map((a) => a.kind)).toEqual(['page_removed']);
    site.article(path, spec(path));
    await check(id);
    expect((await alertsOf(id)).map((a) => a.kind)).toEqual(['page_removed', 'page_restored']);
    const shown = JSON.parse((await runCli(['targets', 'show', String(id), '--json'], env)).stdout) as { lifecycle: string };
    expect(shown.lifecycle).toBe('restored');
  });
});
