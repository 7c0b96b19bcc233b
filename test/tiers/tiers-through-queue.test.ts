import { describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkInline, checkThroughQueue } from '../../src/checks/check-now.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { articleFor } from '../helpers/watch.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { useWorker } from '../helpers/worker-rig.ts';

const noop = () => undefined;
const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

describe('tiers through the capture queue and a real worker, and through check --inline', () => {
  const rig = useFixtureRig();

  useWorker(rig);

  it('the worker answers an unchanged page on the cheap tier and escalates a changed one', async () => {
    const spec = { ...articleFor('/news/queued'), photos: [] };
    rig.site.article('/news/queued', spec);
    const target = await addTarget(rig.ctx, { url: rig.site.url('/news/queued'), every: '6h', options: { phrases: ['Assimi Goita'] } });
    await unschedule(rig.ctx, target);
    const check = async () => (await checkThroughQueue(rig.ctx, [{ id: target.id, kind: 'page' }], 120_000, noop))[0]!;
    const first = await check();
    expect(first.snapshot).toMatchObject({ tier: 'full', escalation: 'first' });
    const browserHits = rig.site.browserHits('/news/queued');
    const second = await check();
    expect(second.snapshot).toMatchObject({ tier: 'cheap', escalation: null });
    expect(rig.site.browserHits('/news/queued')).toBe(browserHits);
    rig.site.article('/news/queued', { ...spec, paragraphs: spec.paragraphs.filter((p) => p !== GOITA) });
    const third = await check();
    expect(third.snapshot).toMatchObject({ tier: 'full', escalation: 'hash_changed' });
    expect(rig.site.browserHits('/news/queued')).toBeGreaterThan(browserHits);
  });

  it('check --inline takes the same tiers', async () => {
    const spec = { ...articleFor('/news/inline'), photos: [] };
    rig.site.article('/news/inline', spec);
    const target = await addTarget(rig.ctx, { url: rig.site.url('/news/inline'), every: '6h' });
    await unschedule(rig.ctx, target);
    const check = async () => (await checkInline(rig.ctx, [{ id: target.id, kind: 'page' }], noop))[0]!;
    expect((await check()).snapshot).toMatchObject({ tier: 'full', escalation: 'first' });
    expect((await check()).snapshot).toMatchObject({ tier: 'cheap', fetcher: 'http' });
  });
});
