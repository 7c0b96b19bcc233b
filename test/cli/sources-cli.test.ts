import { describe, expect, it } from 'vitest';
import { runCli, useCliRig } from '../helpers/cli.ts';
import { listPages, recordRun } from '../helpers/source-pages.ts';
import type { Source } from '../../src/db/sources.ts';
import type { SourceReport } from '../../src/sources/source-report.ts';
import type { Target } from '../../src/db/targets.ts';

const SITEMAP = 'https://www.africom.mil/sitemap.xml';

describe('scrubwatch sources', () => {
  const rig = useCliRig();

  it('adds a source with every flag, refuses bad input naming the flag (exit 2), and a duplicate', async () => {
    const added = await runCli(
      ['sources', 'add', SITEMAP, '--kind', 'sitemap', '--include', '/media-room/article/', '--exclude', '\\?page=', '--every', '12h', '--targets-every', '2d',
        '--tag', 'mali', '--tag', 'africom', '--phrase', 'Assimi Goita', '--max-targets', '500', '--since', '2019-01-01', '--only-matching', '--no-complete',
        '--ignore-robots', '--name', 'AFRICOM articles', '--json'],
      rig.env,
    );
    expect(added.code, added.stderr).toBe(0);
    const source = JSON.parse(added.stdout) as Source;
    expect(source).toMatchObject({
      kind: 'sitemap', url: SITEMAP, name: 'AFRICOM articles', include: ['/media-room/article/'], exclude: ['\\?page='], every: '12h', targetsEvery: '2d',
      tags: ['mali', 'africom'], phrases: ['Assimi Goita'], maxTargets: 500, since: '2019-01-01T00:00:00.000Z', onlyMatching: true, complete: false,
      ignoreRobots: true, pages: 5, state: 'active', lastRun: null,
    });

    const cases: [string[], RegExp][] = [
      [['--kind', 'sitemap', '--targets-every', 'often'], /^scrubwatch: --targets-every "often" is not a duration/m],
      [['--kind', 'feed', '--max-targets', 'lots'], /^scrubwatch: --max-targets must be a whole number/m],
      [['--kind', 'listing', '--include', '(unclosed'], /^scrubwatch: --include/m],
      [['--kind', 'sitemap'], /already exists \(id \d+\); use `scrubwatch sources show \d+`/],
    ];
    for (const [flags, reason] of cases) {
      const r = await runCli(['sources', 'add', flags[1] === 'sitemap' && flags.length === 2 ? SITEMAP : 'https://www.army.mil/news/', ...flags], rig.env);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(reason);
    }
  });

  it('shows counts, the last run with its problems and cap warning, and the pages it delisted or lost; lists its targets', async () => {
    const { rows } = await rig.db.pool.query<{ id: string }>(
      `insert into sources (url, kind, every, targets_every, max_targets, complete) values ('https://www.army.mil/rss/', 'feed', '6h', '24h', 3, false) returning id`,
    );
    const id = Number(rows[0]!.id);
    const [kept, screened, delisted, lost] = await listPages(rig.db.pool, id, [
      { url: 'https://www.army.mil/article/1/kept', firstListedAt: new Date('2026-11-01T00:00:00Z') },
      { url: 'https://www.army.mil/article/2/screened', screening: 'screened' },
      { url: 'https://www.army.mil/article/3/delisted', delistedAt: new Date('2026-12-01T00:00:00Z') },
      { url: 'https://www.army.mil/article/4/lost', lifecycle: 'removed' },
    ]);
    await recordRun(rig.db.pool, id, {
      discovered: 9, added: 3, alreadyWatched: 1, skipped: 5, delisted: 1, screenedOut: 1, capped: true,
      problems: [{ type: 'problem', code: 'too_large', url: 'https://www.army.mil/rss/big', message: 'the feed is over 50 MB' }],
      warnings: ['stopped at --max-targets 3: 6 more pages were not added'],
    });

    const json = await runCli(['sources', 'show', String(id), '--json'], rig.env);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as SourceReport;
    expect(report.counts).toEqual({ pages: 4, listed: 3, delisted: 1, screening: 0, screenedOut: 1, lost: 1 });
    expect(report.lastRun).toMatchObject({ capped: true, screenedOut: 1, warnings: [expect.stringContaining('--max-targets')], problems: [expect.objectContaining({ code: 'too_large' })] });
    expect(report.losses.map((l) => [l.targetId, l.delistedAt !== null, l.removed]).sort()).toEqual([[delisted, true, false], [lost, false, true]].sort());

    const text = await runCli(['sources', 'show', String(id)], rig.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('4 pages (3 listed, 1 delisted), 1 screened out, 1 lost');
    expect(text.stdout).toContain('stopped at --max-targets');
    expect(text.stdout).toContain('problem too_large: the feed is over 50 MB');
    expect(text.stdout).toMatch(new RegExp(`target #${delisted} https://www.army.mil/article/3/delisted — delisted 2026-12-01`));
    expect(text.stdout).toMatch(new RegExp(`target #${lost} https://www.army.mil/article/4/lost — removed`));

    const listed = JSON.parse((await runCli(['targets', 'list', '--source', String(id), '--json'], rig.env)).stdout) as Target[];
    expect(listed.map((t) => t.id)).toEqual([kept, delisted, lost]);
    const screenedOnly = JSON.parse((await runCli(['targets', 'list', '--source', String(id), '--state', 'screened', '--json'], rig.env)).stdout) as Target[];
    expect(screenedOnly.map((t) => [t.id, t.state])).toEqual([[screened, 'screened']]);

    const shown = await runCli(['targets', 'show', String(kept), '--json'], rig.env);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: kept,
      sources: [{ id, kind: 'feed', url: 'https://www.army.mil/rss/', firstListedAt: '2026-11-01T00:00:00.000Z', lastListedAt: expect.any(String), delistedAt: null }],
    });
    const shownText = await runCli(['targets', 'show', String(kept)], rig.env);
    expect(shownText.stdout).toContain(`source #${id} feed https://www.army.mil/rss/ — first listed 2026-11-01T00:00:00.000Z`);
  });

  it('pauses, lists, refuses to run without a worker, and removes a source keeping its targets', async () => {
    const added = JSON.parse((await runCli(['sources', 'add', 'https://www.army.mil/news/', '--kind', 'listing', '--next-selector', 'a.next', '--pages', '3', '--json'], rig.env)).stdout) as Source;
    expect(added).toMatchObject({ kind: 'listing', nextSelector: 'a.next', pages: 3, complete: false, maxTargets: 10_000, every: '6h', targetsEvery: '24h' });
    const [target] = await listPages(rig.db.pool, added.id, [{ url: 'https://www.army.mil/news/one' }]);
    const none = await runCli(['targets', 'list', '--source', String(added.id), '--state', 'screened'], rig.env);
    expect(none.stdout.trim()).toBe(`source ${added.id} lists no target in state screened: read it with \`scrubwatch sources run ${added.id}\``);

    const paused = await runCli(['sources', 'pause', String(added.id), '--json'], rig.env);
    expect(JSON.parse(paused.stdout)).toMatchObject({ id: added.id, state: 'paused' });
    const list = await runCli(['sources', 'list'], rig.env);
    expect(list.stdout).toContain(`#${added.id} (paused) listing https://www.army.mil/news/`);
    expect(list.stdout).toContain('1 page (1 listed, 0 delisted); never run');

    const run = await runCli(['sources', 'run', String(added.id), '--json'], rig.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no worker is taking jobs on queue prefix ".+": start one with `scrubwatch worker` \(or `scrubwatch start`\), then run this again/);

    const removed = await runCli(['sources', 'remove', String(added.id)], rig.env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('the targets it made stay');
    const { rows } = await rig.db.pool.query('select id from targets where id = $1', [target]);
    expect(rows).toHaveLength(1);
    const gone = await runCli(['sources', 'show', String(added.id)], rig.env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/source \d+ does not exist; list them with `scrubwatch sources list`/);
  });
});
