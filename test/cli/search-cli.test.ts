import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import type { ArticleSpec } from '../../src/demo/fixture-site.ts';
import { runCli } from '../helpers/cli.ts';
import { testEnv } from '../helpers/context.ts';
import { TEN_THOUSAND } from '../helpers/hostile-strings.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import type { SearchHit } from '../../src/search/search-archive.ts';
import type { SavedSearch } from '../../src/db/saved-searches.ts';

const SLOW_MS = 180_000;
const json = <T>(text: string): T => JSON.parse(text) as T;

/** The one line a refused command prints, without the program's name. */
const BIN = fileURLToPath(new URL('../../bin/scrubwatch', import.meta.url));

/** Runs `scrubwatch …` on a pseudo-terminal (util-linux `script`), as a person at a terminal would, and returns its output. */
async function onTerminal(args: string[], env: Record<string, string>): Promise<string> {
  const line = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = await promisify(execFile)('script', ['-qec', line, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...env },
    timeout: 120_000,
  });
  return stdout;
}

/** The article with a terminal escape planted in the paragraph naming him: page text is never trusted. */
function hostile(spec: ArticleSpec): ArticleSpec {
  return { ...spec, paragraphs: spec.paragraphs.map((p) => p.replace('Col. Assimi Goita', 'Col.\u001b[2J Assimi Goita')) };
}

const refusal = (stderr: string) => stderr.trim().replace(/^scrubwatch: /, '');

describe('scrubwatch search through the real CLI, over captured pages', () => {
  const rig = useFixtureRig();
  let env: Record<string, string>;
  const ids = { kept: 0, cut: 0 };

  beforeAll(async () => {
    env = testEnv(rig.db.url, rig.ctx.config.queuePrefix);
    let job = 0;
    for (const name of ['kept', 'cut'] as const) {
      const path = `/news/search-cli-${name}`;
      rig.site.article(path, name === 'cut' ? hostile(articleFor(path)) : articleFor(path));
      const target = await addTarget(rig.ctx, { url: rig.site.url(path), name: `${name} page`, every: '6h', fetcher: 'http' });
      await runCapture(rig.ctx, target.id, `cli-${++job}`);
      ids[name] = target.id;
    }
    rig.site.article('/news/search-cli-cut', withoutPhrase(articleFor('/news/search-cli-cut'), 'Goita'));
    await runCapture(rig.ctx, ids.cut, 'cli-cut-again');
  }, SLOW_MS);

  it('prints {items, next} with every field of a hit, one page at a time', { timeout: SLOW_MS }, async () => {
    const first = await runCli(['search', '"Assimi Goïta"', '--scope', 'ever', '--limit', '1', '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const page = json<{ items: SearchHit[]; next: number | null }>(first.stdout);
    expect(Object.keys(page).sort()).toEqual(['items', 'next']);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ targetId: ids.kept, scope: 'ever', stillThere: true, url: rig.site.url('/news/search-cli-kept') });
    for (const field of ['targetId', 'url', 'name', 'scope', 'snapshotId', 'capturedAt', 'firstSeenAt', 'lastSeenAt', 'lastMatchingSnapshotId', 'stillThere', 'snippet']) {
      expect(page.items[0]).toHaveProperty(field);
    }
    expect(page.next).toBe(ids.kept);

    const second = await runCli(['search', '"Assimi Goïta"', '--scope', 'ever', '--limit', '1', '--cursor', String(page.next), '--json'], env);
    const rest = json<{ items: SearchHit[]; next: number | null }>(second.stdout);
    expect(rest.items.map((i) => i.targetId)).toEqual([ids.cut]);
    expect(rest.next).toBeNull();
  });

  it('shows a gone mention with the match marked, the snapshots to compare, and page text made harmless', { timeout: SLOW_MS }, async () => {
    const run = await runCli(['search', '"Assimi Goita"', '--scope', 'gone'], env);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`#${ids.cut} ${rig.site.url('/news/search-cli-cut')} — cut page`);
    expect(lines[1]).toMatch(/^ {2}mention gone in snapshot #\d+ \(.+Z\); last matched in snapshot #\d+ \(.+Z\) — compare snapshots #\d+ and #\d+$/);
    // Not a terminal: the match is marked in plain characters, and no escape of any kind is printed.
    expect(lines[2]).toMatch(/^ {2}text: .*Col\.\\u001b\[2J «Assimi Goita».*/);
    expect(run.stdout).not.toContain('\u001b');
    expect(lines).toHaveLength(3);
  });

  it('marks the match bold and underlined on a terminal, and plainly there when NO_COLOR is set', { timeout: SLOW_MS }, async () => {
    const styled = await onTerminal(['search', 'goita', '--scope', 'gone'], env);
    expect(styled).toContain('\x1b[1;4mGoita\x1b[22;24m');
    // The page's own escape is still shown, not obeyed, beside ours.
    expect(styled).toContain('Col.\\u001b[2J');
    const plain = await onTerminal(['search', 'goita', '--scope', 'gone'], { ...env, NO_COLOR: '1' });
    expect(plain).toContain('«Goita»');
    expect(plain).not.toContain('\x1b');
  });

  it('refuses hostile queries and bad flags with exit 2 and one clear line, never a stack trace', { timeout: SLOW_MS }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [['search', ''], /^the query is empty/],
      [['search', TEN_THOUSAND], /^the query is 10000 characters long; at most 500/],
      // `--` ends the options: how a query that starts with a dash is typed.
      [['search', '--', '- OR * "" OR'], /^the query has no words to search for, only operators/],
      [['search', '-Goita'], /^unknown option '-Goita'/],
      [['search', '--', '-Goita'], /^the query only excludes/],
      [['search', '"";'], /^the query has no words to search for/],
      [['search', '"Assimi Goita'], /^a quoted phrase is not closed/],
      [['search', 'Goita', '--since', 'last week'], /^--since "last week" is not a date/],
      [['search', 'Goita', '--target', '999999'], /^target 999999 does not exist/],
    ];
    const failures: string[] = [];
    for (const [args, says] of cases) {
      const run = await runCli(args, env);
      // Commander's own refusals (an unknown option) add the hint to --help on a line of their own.
      const lines = run.stderr.trim().split('\n').filter((l) => l !== '(run with --help for usage)');
      if (run.code !== 2 || lines.length !== 1 || !says.test(refusal(run.stderr)) || run.stdout !== '' || /\n\s+at /.test(run.stderr)) {
        failures.push(`${args.join(' ').slice(0, 60)} → exit ${run.code}: ${run.stderr.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);

    // SQL is words like any other: searched for, found nowhere, and every table still there.
    const sql = await runCli(['search', "'; drop table search_texts; --", '--json'], env);
    expect(sql.code, sql.stderr).toBe(0);
    expect(json(sql.stdout)).toEqual({ items: [], next: null });
    expect((await rig.db.pool.query('select count(*)::int as n from search_texts')).rows[0]).toEqual({ n: expect.any(Number) });
  });

  // Three texts: the kept page, and the cut page before and after the cut; two pages with an answer.
  it('reindexes what is stored, quietly with --json', { timeout: SLOW_MS }, async () => {
    const run = await runCli(['search', 'reindex', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(json(run.stdout)).toEqual({ snapshots: 3, texts: 3, pages: 2, durationMs: expect.any(Number) });
  });

  it('keeps a search with --watch, lists it with `search saved`, and removes it with `search unwatch`', { timeout: SLOW_MS }, async () => {
    const watched = await runCli(['search', '"Assimi Goita"', '--watch', '--tag', 'mali', '--json'], env);
    expect(watched.code, watched.stderr).toBe(0);
    const kept = json<{ savedSearch: SavedSearch; created: boolean }>(watched.stdout);
    expect(kept).toEqual({ savedSearch: expect.objectContaining({ query: '"Assimi Goita"', tag: 'mali', targetId: null, createdBy: 'cli', ownerTokenId: null }), created: true });

    const listed = await runCli(['search', 'saved', '--json'], env);
    expect(json<{ items: SavedSearch[]; next: number | null }>(listed.stdout)).toEqual({ items: [kept.savedSearch], next: null });

    const removed = await runCli(['search', 'unwatch', String(kept.savedSearch.id)], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(`removed saved search #${kept.savedSearch.id} "Assimi Goita"\n`);
    const again = await runCli(['search', 'unwatch', String(kept.savedSearch.id)], env);
    expect(again.code).toBe(2);
    expect(refusal(again.stderr)).toBe(`saved search ${kept.savedSearch.id} does not exist; list them with \`scrubwatch search saved\``);
  });
});
