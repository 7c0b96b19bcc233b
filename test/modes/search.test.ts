import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkThroughQueue } from '../../src/checks/check-now.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import type { SearchHit } from '../../src/search/search-archive.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { runCli } from '../helpers/cli.ts';
import { INITDB_TIMEOUT_MS } from '../helpers/embedded.ts';
import { MODES, setUpMode, type ModeSetup } from '../helpers/modes.ts';
import { startModeWorker, type ModeWorker } from '../helpers/mode-worker.ts';

const SLOW_MS = 240_000;
const noop = () => undefined;

// The done test: `scrubwatch search '"Assimi Goita"' --scope gone` finds a page whose paragraph naming him was
// cut, captured by a real worker, in every run mode.
describe.each(MODES)('search in the %s mode: a mention cut from a page is found with --scope gone', (mode) => {
  let setup: ModeSetup;
  let running: ModeWorker;
  let site: FixtureSite;

  beforeAll(async () => {
    setup = await setUpMode(mode);
    site = await startFixtureSite();
    running = await startModeWorker(setup.env());
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await running?.close();
    await site?.close();
    await setup?.dispose();
  });

  it('finds the page, with the snapshot that last named him and the one without', { timeout: SLOW_MS }, async () => {
    const path = `/news/goita-${mode}`;
    const spec = articleFor(path);
    site.article(path, spec);
    const target = await addTarget(running.cli, { url: site.url(path), every: '6h' });
    const check = async () => (await checkThroughQueue(running.cli, [{ id: target.id, kind: 'page' }], 120_000, noop))[0]!;

    const before = await check();
    expect(before.snapshot).toMatchObject({ status: 200, error: null });
    site.article(path, withoutPhrase(spec, 'Goita'));
    const after = await check();
    expect(after.change?.unchanged).toBe(false);

    const run = await runCli(['search', '"Assimi Goita"', '--scope', 'gone', '--json'], setup.env(), SLOW_MS);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const found = JSON.parse(run.stdout) as { items: SearchHit[]; next: number | null };
    expect(found.next).toBeNull();
    expect(found.items).toEqual([
      expect.objectContaining({
        targetId: target.id,
        url: site.url(path),
        scope: 'gone',
        stillThere: false,
        removed: false,
        lastMatchingSnapshotId: before.snapshot.id,
        snapshotId: after.snapshot.id,
        firstWithoutSnapshotId: after.snapshot.id,
        snippet: expect.stringContaining('Goita'),
      }),
    ]);
  });
});
