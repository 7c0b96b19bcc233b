import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { getTierState } from '../../src/db/target-tiers.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

describe('a script-rendered article: script-dependent, so always captured in the browser', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());

  it('is learned script-dependent at its first capture, checked in the browser after, and a cut from its data is caught', async () => {
    // The paragraphs are not in the HTML: a script writes them from inline data after load.
    const spec = { ...articleFor('/news/scripted'), photos: [], renderWithJs: true };
    const page = await watchPage(rig.ctx, rig.site, '/news/scripted', spec);
    const first = await page.capture();
    expect(first.snapshot).toMatchObject({ tier: 'full', escalation: 'first' });
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ scriptDependent: true });
    const second = await page.capture();
    expect(second.snapshot).toMatchObject({ tier: 'full', escalation: 'script_dependent', fetcher: 'browser' });
    expect(second.change?.record.unchanged).toBe(true);
    rig.site.article(page.path, { ...spec, paragraphs: spec.paragraphs.filter((p) => p !== GOITA) });
    const seen = await page.capture();
    expect(seen.snapshot).toMatchObject({ tier: 'full', escalation: 'script_dependent' });
    expect(seen.lifecycle).toBe('suspect');
    const confirmed = await page.capture();
    expect(confirmed.alerts.map((a) => a.kind).sort()).toEqual(['content_removed', 'phrase_removed']);
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ scriptDependent: true });
  });
});
