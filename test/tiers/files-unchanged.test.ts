import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { getTarget } from '../../src/db/targets.ts';
import { loadFacts } from '../../src/watch/save-capture.ts';
import { changedFile } from '../../src/tiers/files-unchanged.ts';
import type { ArticleSpec, DocumentSpec } from '../../src/demo/fixture-site.ts';

/** Room for a capture on two busy cores. */
const CAPTURE_MS = 120_000;
/** What a cheap check gives its files in these tests: far more than a local answer needs. */
const FILES_MS = 20_000;

describe('changedFile: a page\'s photos and documents asked on the cheap tier, against a real full capture', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());

  /** Captures `spec` at `path` once through the real capture job and returns what changedFile needs of it. */
  async function captured(path: string, spec: ArticleSpec) {
    const page = await watchPage(rig.ctx, rig.site, path, spec);
    const { snapshot } = await page.capture();
    const facts = await loadFacts(rig.ctx.pool, snapshot.parts.facts);
    const target = await getTarget(rig.ctx.pool, page.targetId);
    expect(facts?.media.filter((m) => m.sha256).length).toBe(spec.photos.length);
    const ask = (deadlineMs = FILES_MS) => changedFile(rig.ctx, target!, snapshot, facts!, Date.now() + deadlineMs, rig.ctx.logger);
    return { ask, facts: facts! };
  }

  const doc = (slug: string): DocumentSpec => ({ file: `${slug}-fact-sheet.pdf`, text: 'Flintlock 2019 fact sheet' });
  const bare = (spec: ArticleSpec): ArticleSpec => ({ ...spec, photos: spec.photos.map((p) => ({ ...p, file: p.file.replace(/\.png$/, '.bare.png') })) });

  it('finds nothing changed, asking every photo and the document conditionally and downloading none again', async () => {
    const spec = articleFor('/news/files-same', { documents: [doc('files-same')] });
    const { ask, facts } = await captured('/news/files-same', spec);
    expect(facts.documents).toHaveLength(1);
    expect(await ask()).toBeNull();
    for (const photo of spec.photos) {
      const path = `/images/${photo.file}`;
      expect(rig.site.notModified(path)).toBe(1);
      // One 200 (the browser's, at the capture), then the 304.
      expect(rig.site.hits(path) - rig.site.notModified(path)).toBe(1);
    }
    expect(rig.site.notModified(`/files/${doc('files-same').file}`)).toBe(1);
  }, CAPTURE_MS);

  it('names the photo replaced behind the same URL', async () => {
    const spec = articleFor('/news/files-photo');
    const { ask } = await captured('/news/files-photo', spec);
    const replaced = spec.photos[1]!.file;
    rig.site.replacePhoto(replaced);
    expect(await ask()).toEqual({ url: rig.site.url(`/images/${replaced}`), why: 'answered 200 to its conditional request: its file changed' });
  }, CAPTURE_MS);

  it('tells a photo without validators by its length: another length is a change, the same length is not', async () => {
    const spec = bare(articleFor('/news/files-bare'));
    const { ask } = await captured('/news/files-bare', spec);
    const file = spec.photos[0]!.file;
    const path = `/images/${file}`;
    const hits = rig.site.hits(path);
    expect(await ask()).toBeNull();
    rig.site.replacePhoto(file, { sameLength: true });
    // The same length behind a URL without validators: left to the target's periodic full capture.
    expect(await ask()).toBeNull();
    rig.site.replacePhoto(file);
    expect(await ask()).toEqual({ url: rig.site.url(path), why: expect.stringMatching(/^is \d+ bytes where it was \d+: its file changed$/) as string });
    expect(rig.site.hits(path) - hits).toBe(3);
    expect(rig.site.notModified(path)).toBe(0);
  }, CAPTURE_MS);

  it('names the linked document that changed', async () => {
    const sheet = doc('files-doc');
    const { ask } = await captured('/news/files-doc', articleFor('/news/files-doc', { documents: [sheet] }));
    expect(await ask()).toBeNull();
    rig.site.html(`/files/${sheet.file}`, '%PDF-1.4\n% revised\n%%EOF\n', 200, { 'content-type': 'application/pdf', etag: '"revised"' });
    expect(await ask()).toEqual({ url: rig.site.url(`/files/${sheet.file}`), why: expect.stringMatching(/^its (etag|length|sha256) is /) as string });
  }, CAPTURE_MS);

  it('counts a photo whose host hangs as changed, within the deadline', async () => {
    const spec = articleFor('/news/files-hang');
    const { ask } = await captured('/news/files-hang', spec);
    const file = spec.photos[0]!.file;
    rig.site.hang(`/images/${file}`);
    const began = Date.now();
    expect(await ask(2_000)).toEqual({ url: rig.site.url(`/images/${file}`), why: 'did not answer in time: the browser must look' });
    // The deadline, plus room for two busy cores to close the connections.
    expect(Date.now() - began).toBeLessThan(8_000);
  }, CAPTURE_MS);

  it('stops at the first change: a replaced photo is named without waiting for another that hangs', async () => {
    const spec = articleFor('/news/files-first');
    const { ask } = await captured('/news/files-first', spec);
    rig.site.hang(`/images/${spec.photos[0]!.file}`);
    rig.site.replacePhoto(spec.photos[1]!.file);
    const began = Date.now();
    expect(await ask(60_000)).toEqual({ url: rig.site.url(`/images/${spec.photos[1]!.file}`), why: 'answered 200 to its conditional request: its file changed' });
    // The hanging request was abandoned, not waited for until the deadline.
    expect(Date.now() - began).toBeLessThan(20_000);
  }, CAPTURE_MS);
});
